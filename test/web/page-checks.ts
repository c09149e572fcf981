// What every page of the themed browser tests must look like (issue 17): the theme (name, logo, colour), nothing
// wider than the screen, buttons and badges on one line, card edges off the screen's edges, table rows as
// labelled cards on a phone and real tables at 1280 px; a screenshot at each width.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

export const BRAND = { name: 'Cafetera', operator: 'Cafetera S.A.', color: '#0b5fff', rgb: 'rgb(11, 95, 255)' };
export const SIZES = [
  ['phone', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 800 }],
] as const;

/**
 * The page at both widths: the theme shows (name, logo, colour), nothing overflows sideways, buttons and badges
 * stay on one line, table rows are labelled cards on the phone; a screenshot of each.
 */
export async function looksRight(page: Page, name: string, shot: (page: Page, name: string) => Promise<void>): Promise<void> {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    const found = await page.evaluate(() => {
      const lines = (el: Element) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
      };
      const logo = document.querySelector<HTMLImageElement>('.site-header img.brand-logo');
      const primary = document.querySelector('.button.primary');
      const cells = Array.from(document.querySelectorAll('table.list td'));
      return {
        brand: document.querySelector('.site-header .brand-name')?.textContent ?? '',
        logo: logo?.complete && logo.naturalWidth > 0,
        primary: primary ? getComputedStyle(primary).backgroundColor : undefined,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        wrapped: Array.from(document.querySelectorAll('.button, .badge')).filter((el) => (el as HTMLElement).offsetParent && lines(el) > 1).map((el) => el.textContent),
        unlabelled: cells.filter((td) => getComputedStyle(td).display === 'grid' && !td.getAttribute('data-label') && !td.classList.contains('actions-col')).length,
        cards: cells.length > 0 && getComputedStyle(cells[0]!).display === 'grid',
        cardEdge: Math.min(...Array.from(document.querySelectorAll('.card')).map((c) => c.getBoundingClientRect().left)),
      };
    });
    assert.match(found.brand, new RegExp(BRAND.name), `${name}/${size}: the theme's name`);
    assert.ok(found.logo, `${name}/${size}: the theme's logo`);
    if (found.primary) assert.equal(found.primary, BRAND.rgb, `${name}/${size}: the theme's colour`);
    assert.ok(found.overflow <= 0, `${name}/${size}: ${found.overflow}px wider than the screen`);
    assert.deepEqual(found.wrapped, [], `${name}/${size}: buttons and badges on one line`);
    assert.ok(found.cardEdge >= 12, `${name}/${size}: the card keeps off the edges`);
    if (size === 'phone') {
      assert.equal(found.unlabelled, 0, `${name}: every card row says what it is`);
    } else assert.equal(found.cards, false, `${name}: a real table at 1280 px`);
    await shot(page, `${name}-${size}`);
  }
}


// The kit's only script (CSP script-src 'self'); every page works without it.
// - Copy buttons: <button data-copy="element-id" data-copied="…" data-copy-fallback="…">.
// - Countdowns: <button disabled data-wait="seconds" data-wait-label="… {s} …" data-ready-label="…">, enabled at 0,
//   with the button's text counting down and one announcement (its aria-live sibling) when it is ready.
// - The error summary takes focus (autofocus does it too; this covers pages restored from the cache).
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy') || '');
  if (!source) return;
  const text = source.textContent || '';
  const done = (label) => {
    const status = document.getElementById(`${source.id}-status`);
    if (status) status.textContent = label;
  };
  navigator.clipboard.writeText(text).then(
    () => done(button.getAttribute('data-copied') || 'Copied to the clipboard'),
    () => {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done(button.getAttribute('data-copy-fallback') || 'Press Ctrl+C (or ⌘C) to copy');
    },
  );
});

function countdown(button) {
  const until = Date.now() + Number(button.getAttribute('data-wait')) * 1000;
  const label = button.getAttribute('data-wait-label') || '{s}';
  const ready = button.getAttribute('data-ready-label') || button.textContent;
  const status = document.getElementById(button.getAttribute('aria-describedby') || '');
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      button.textContent = label.replace('{s}', String(left));
      setTimeout(tick, 250);
      return;
    }
    button.disabled = false;
    button.textContent = ready;
    if (status) status.textContent = button.getAttribute('data-ready-status') || '';
  };
  tick();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-wait]')) countdown(button);
  const summary = document.querySelector('.error-summary');
  if (summary && document.activeElement === document.body) summary.focus();
});

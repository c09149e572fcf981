// Copy buttons: <button data-copy="element-id">. The only script of the portal (CSP script-src 'self').
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
    () => done('Copied to the clipboard'),
    () => {
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done('Press Ctrl+C (or ⌘C) to copy');
    },
  );
});

// Passkeys (WebAuthn) in the browser: a first-party script (CSP script-src 'self'), no library.
// A form marked data-passkey="sign-in" | "second-factor" | "register" carries the server's WebAuthn options
// (data-options, JSON; no fetch, so no connect-src is needed): on submit, run navigator.credentials.get or
// create, put the result as JSON in the form's "credential" field, submit. The challenge's handle waits in
// this browser's signed HttpOnly cookie and works once. Without this
// script or without WebAuthn, the form posts without a credential and the server says what to do instead.
// data-conditional on a sign-in form also offers passkeys in the address field's autofill (conditional UI).
(() => {
  const supported = typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
  const toBytes = (s) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  };
  const toText = (buffer) => {
    let bin = '';
    for (const byte of new Uint8Array(buffer)) bin += String.fromCharCode(byte);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  const optionsFor = async (form) => JSON.parse(form.getAttribute('data-options'));

  function assertionJson(cred) {
    const r = cred.response;
    return {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: { clientDataJSON: toText(r.clientDataJSON), authenticatorData: toText(r.authenticatorData), signature: toText(r.signature), userHandle: r.userHandle ? toText(r.userHandle) : undefined },
    };
  }

  function attestationJson(cred) {
    const r = cred.response;
    return {
      id: cred.id,
      rawId: toText(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      clientExtensionResults: cred.getClientExtensionResults(),
      response: { clientDataJSON: toText(r.clientDataJSON), attestationObject: toText(r.attestationObject), transports: typeof r.getTransports === 'function' ? r.getTransports() : [] },
    };
  }

  async function ceremony(form, mediation, signal) {
    const options = await optionsFor(form);
    if (form.getAttribute('data-passkey') === 'register') {
      const publicKey = { ...options, challenge: toBytes(options.challenge), user: { ...options.user, id: toBytes(options.user.id) }, excludeCredentials: withIds(options.excludeCredentials) };
      return attestationJson(await navigator.credentials.create({ publicKey }));
    }
    const publicKey = { ...options, challenge: toBytes(options.challenge), allowCredentials: withIds(options.allowCredentials) };
    return assertionJson(await navigator.credentials.get({ publicKey, ...(mediation ? { mediation, signal } : {}) }));
  }

  const send = (form, credential) => {
    form.querySelector('input[name="credential"]').value = JSON.stringify(credential);
    // A sign-in keeps the page's "Keep me signed in" choice (the box belongs to the address form).
    const remember = document.querySelector('input[name="remember"]');
    if (form.getAttribute('data-passkey') === 'sign-in' && remember?.checked && remember.form !== form) {
      const field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'remember';
      field.value = 'true';
      form.append(field);
    }
    form.submit();
  };
  const say = (form, text) => {
    const status = form.querySelector('[data-passkey-status]');
    if (status) status.textContent = text;
  };

  let conditional;
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    if (!supported) {
      say(form, form.getAttribute('data-unsupported') || '');
      continue;
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      conditional?.abort();
      const button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      try {
        send(form, await ceremony(form));
      } catch {
        say(form, form.getAttribute('data-failed') || '');
        if (button) button.disabled = false;
      }
    });
    if (form.hasAttribute('data-conditional') && typeof PublicKeyCredential.isConditionalMediationAvailable === 'function') {
      PublicKeyCredential.isConditionalMediationAvailable().then((available) => {
        if (!available) return;
        conditional = new AbortController();
        ceremony(form, 'conditional', conditional.signal).then((credential) => send(form, credential), () => {});
      });
    }
  }
})();

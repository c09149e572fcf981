-- Issue 11 #5 and issue 19 #8: an approval names the version the admin reviewed (every change bumps it),
-- and an approved app's live client keeps the details an admin approved (approved_details) until an
-- admin approves a change to them. approved_details replaces approved_scopes.
ALTER TABLE portal_applications ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE portal_applications ADD COLUMN approved_details jsonb;
UPDATE portal_applications SET approved_details = jsonb_build_object(
  'name', name, 'purpose', purpose, 'website', website, 'logoUri', logo_uri, 'policyUri', policy_uri, 'tosUri', tos_uri,
  'scopes', to_jsonb(coalesce(approved_scopes, scopes)), 'redirectUris', to_jsonb(redirect_uris), 'authMethod', auth_method)
WHERE client_id IS NOT NULL;
ALTER TABLE portal_applications DROP COLUMN approved_scopes;

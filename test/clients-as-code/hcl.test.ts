// The Terraform/HCL subset reader: each supported construct, and each unsupported or invalid one
// rejected with the file, the line and the construct.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredClient } from '../../src/clients-as-code/client-fields.ts';
import { parseClients } from '../../src/clients-as-code/load.ts';

function read(src: string, vars: Record<string, string> = {}): DesiredClient[] {
  const r = parseClients('clients.tf', src, vars);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

function fields(src: string, vars: Record<string, string> = {}) {
  const [first] = read(src, vars);
  assert.ok(first, 'one resource');
  return first.fields;
}

/** Asserts the file is rejected at `line` with a message matching `pattern`. */
function rejects(src: string, line: number, pattern: RegExp, vars: Record<string, string> = {}) {
  const r = parseClients('clients.tf', src, vars);
  assert.equal(r.ok, false, 'expected an error');
  if (r.ok) return;
  assert.equal(r.error.file, 'clients.tf');
  assert.equal(r.error.line, line, r.error.message);
  assert.match(r.error.message, new RegExp(`^clients\\.tf:${line}: `));
  assert.match(r.error.message, pattern);
}

const resource = (body: string) => `resource "hydra_oauth2_client" "app" {\n${body}\n}\n`;

describe('HCL subset: constructs', () => {
  it('reads the provider attributes, mapping scopes to a space-joined scope', () => {
    const f = fields(
      resource(`
  client_id                  = "my-app"
  client_name                = "My App"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code", "id_token"]
  token_endpoint_auth_method = "client_secret_post"
  scopes                     = ["read", "write"]
  redirect_uris              = ["https://app.example/cb"]
  skip_consent               = true
  audience                   = []
  owner                      = "team-a"
  metadata                   = { tier = "gold", "x-y" = "z" }
  client_secret              = null`),
    );
    assert.deepEqual(f, {
      client_id: 'my-app',
      client_name: 'My App',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code', 'id_token'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'read write',
      redirect_uris: ['https://app.example/cb'],
      skip_consent: true,
      audience: [],
      owner: 'team-a',
      metadata: { tier: 'gold', 'x-y': 'z' },
    });
  });

  it('names resources <type>.<name> and records their line', () => {
    const rs = read(`${resource('client_name = "a"')}\nresource "hydra_oauth2_client" "b" {\n  client_name = "b"\n}\n`);
    assert.deepEqual(
      rs.map((r) => [r.key, r.origin]),
      [
        ['hydra_oauth2_client.app', 'clients.tf:1'],
        ['hydra_oauth2_client.b', 'clients.tf:5'],
      ],
    );
  });

  it('ignores terraform, provider and output blocks; skips comments of all three kinds', () => {
    const f = fields(`
terraform {
  required_providers {
    hydra = { source = "svrakitin/hydra" }
  }
}
provider "hydra" { endpoint = "http://127.0.0.1:4445" } # trailing
/* a block
   comment */
${resource('  client_name = "x" // why')}
output "id" { value = hydra_oauth2_client.app.client_id }
`);
    assert.deepEqual(f, { client_name: 'x' });
  });

  it('resolves locals in any order, including locals that use other locals and vars', () => {
    const f = fields(`
${resource('  client_name = local.name\n  redirect_uris = local.callbacks')}
locals {
  callbacks = ["\${local.base}/cb"]
}
locals {
  base = "https://\${var.host}"
  name = "App on \${var.host}"
}
variable "host" {}
`, { host: 'app.example' });
    assert.deepEqual(f, { client_name: 'App on app.example', redirect_uris: ['https://app.example/cb'] });
  });

  it('uses --var values over variable defaults, and defaults otherwise', () => {
    const src = `variable "name" {\n  type = string\n  default = "Default"\n}\n${resource('  client_name = var.name')}`;
    assert.equal(fields(src).client_name, 'Default');
    assert.equal(fields(src, { name: 'Given' }).client_name, 'Given');
  });

  it('parses --var values of non-string variables as HCL values', () => {
    const src = `variable "uris" {\n  type = list(string)\n}\nvariable "skip" {\n  type = bool\n}\n${resource('  redirect_uris = var.uris\n  skip_consent = var.skip')}`;
    assert.deepEqual(fields(src, { uris: '["https://a/cb", "https://b/cb"]', skip: 'true' }), {
      redirect_uris: ['https://a/cb', 'https://b/cb'],
      skip_consent: true,
    });
  });

  it('takes --var values of undeclared variables as strings', () => {
    assert.equal(fields(resource('  client_name = var.n'), { n: '42' }).client_name, '42');
  });

  it('evaluates for expressions over lists and maps, with if filters and index variables', () => {
    const f = fields(`
locals {
  urls  = ["https://a.example", "http://localhost:3000", "https://b.example"]
  hosts = { b = "https://b.example", a = "https://a.example" }
}
${resource(`
  redirect_uris = [for u in local.urls : "\${u}/callback" if substr_ok(u)]
  contacts = [for i, u in local.urls : "\${i}:\${u}" if i > 0]
  allowed_cors_origins = [for k, v in local.hosts : v]
  post_logout_redirect_uris = [
    for u in local.urls :
    "\${u}/bye"
    if u != "http://localhost:3000"
  ]`).replace('if substr_ok(u)', 'if !contains(["http://localhost:3000"], u)')}`);
    assert.deepEqual(f.redirect_uris, ['https://a.example/callback', 'https://b.example/callback']);
    assert.deepEqual(f.contacts, ['1:http://localhost:3000', '2:https://b.example']);
    // map iteration is in lexical key order, as in Terraform
    assert.deepEqual(f.allowed_cors_origins, ['https://a.example', 'https://b.example']);
    assert.deepEqual(f.post_logout_redirect_uris, ['https://a.example/bye', 'https://b.example/bye']);
  });

  it('evaluates object for expressions (also with grouping) and indexes into them', () => {
    const f = fields(`
locals {
  apps    = [{ name = "a", env = "prod" }, { name = "b", env = "dev" }, { name = "c", env = "prod" }]
  by_name = { for a in local.apps : a.name => a.env }
  by_env  = { for a in local.apps : a.env => a.name... }
}
${resource('  client_name = local.by_name["b"]\n  contacts = local.by_env.prod\n  owner = local.apps[2].name')}`);
    assert.deepEqual(f, { client_name: 'dev', contacts: ['a', 'c'], owner: 'c' });
  });

  it('evaluates conditionals, operators and the supported functions', () => {
    const f = fields(`
variable "env" { default = "prod" }
locals {
  prod = var.env == "prod"
  n    = 2 * 3 + 1 - 4 / 2 % 3
}
${resource(`
  client_name = var.env == "prod" ? upper("app") : lower("APP")
  skip_consent = local.prod && !false || false
  scopes = distinct(concat(["read"], ["read", "write"]))
  grant_types = split(",", "authorization_code,refresh_token")
  owner = format("%s-%d", join("-", ["team", "a"]), local.n)
  client_uri = trimsuffix("https://x.example/", "/")
  policy_uri = "\${length(local.prod ? [1, 2] : [])} items"
  audience = flatten([["x"], [["y"]]])
  metadata = merge({ a = "1" }, { b = tostring(2 >= 1) })`)}`);
    assert.deepEqual(f, {
      client_name: 'APP',
      skip_consent: true,
      scope: 'read write',
      grant_types: ['authorization_code', 'refresh_token'],
      owner: 'team-a-5',
      client_uri: 'https://x.example',
      policy_uri: '2 items',
      audience: ['x', 'y'],
      metadata: { a: '1', b: 'true' },
    });
  });

  it('reads strings with escapes and $${ literals, and heredocs with interpolation', () => {
    const f = fields(`
locals { who = "World" }
${resource(`
  client_name = "Tab\\there \\"quoted\\" \\u00e9 $\${not} %%{raw}"
  tos_uri = <<EOT
Hello \${local.who}
EOT
  policy_uri = <<-EOT
    indented \${local.who}
      more
    EOT`)}`);
    assert.equal(f.client_name, 'Tab\there "quoted" é ${not} %{raw}');
    assert.equal(f.tos_uri, 'Hello World\n');
    assert.equal(f.policy_uri, 'indented World\n  more\n');
  });

  it('reads metadata_json, and lists spread over lines with trailing commas', () => {
    const f = fields(resource(`
  metadata_json = jsonencode({ portal_app = "42" })
  redirect_uris = [
    "https://a/cb",
    "https://b/cb",
  ]`));
    assert.deepEqual(f, { metadata: { portal_app: '42' }, redirect_uris: ['https://a/cb', 'https://b/cb'] });
  });

  it('keeps a whole-value interpolation "${x}" as the value itself', () => {
    assert.deepEqual(fields(`locals { l = ["a"] }\n${resource('  contacts = "${local.l}"')}`).contacts, ['a']);
  });
});

describe('HCL subset: errors name the file, the line and the construct', () => {
  it('dynamic blocks', () => {
    rejects(resource('  client_name = "a"\n  dynamic "jwk" {\n    for_each = []\n  }'), 3, /unsupported construct: dynamic block "jwk"/);
  });
  it('unknown function calls', () => {
    rejects(resource('  client_name = "a"\n  owner = cidrsubnet("10.0.0.0/8", 8, 1)'), 3, /unsupported construct: function call cidrsubnet\(\)/);
  });
  it('modules', () => {
    rejects(`locals {}\n\nmodule "clients" {\n  source = "./x"\n}\n`, 3, /unsupported construct: module "clients"/);
  });
  it('data sources, as blocks and as references', () => {
    rejects(`data "hydra_jwks" "k" {\n  name = "x"\n}\n`, 1, /unsupported construct: data source "hydra_jwks"/);
    rejects(resource('\n  owner = data.hydra_jwks.k.name'), 3, /unsupported construct: data source reference/);
  });
  it('references to other resources', () => {
    rejects(resource('  owner = hydra_oauth2_client.other.client_id'), 2, /unsupported construct: reference to hydra_oauth2_client\.other/);
  });
  it('other resource types', () => {
    rejects(`\nresource "hydra_jwks" "k" {\n  name = "x"\n}\n`, 2, /unsupported construct: resource type "hydra_jwks"/);
  });
  it('meta-arguments count and for_each', () => {
    rejects(resource('  count = 2'), 2, /unsupported construct: meta-argument count/);
    rejects(resource('  client_name = "a"\n  for_each = toset(["a"])'), 3, /unsupported construct: meta-argument for_each/);
    rejects(resource('  lifecycle {\n    prevent_destroy = true\n  }'), 2, /unsupported construct: lifecycle block/);
  });
  it('splat expressions', () => {
    rejects(`locals {\n  l = [{ a = 1 }]\n  m = local.l[*].a\n}\n${resource('')}`, 3, /unsupported construct: splat expression/);
  });
  it('template directives', () => {
    rejects(resource('  client_name = "%{ if true }x%{ endif }"'), 2, /unsupported construct: template directive/);
  });
  it('unknown attributes and unsupported provider attributes', () => {
    rejects(resource('  client_name = "a"\n  colour = "blue"'), 3, /unknown attribute "colour"/);
    rejects(resource('  refresh_token_grant_access_token_lifespan = "1h"'), 2, /unsupported construct: attribute refresh_token_grant_access_token_lifespan/);
  });
  it('other top-level blocks', () => {
    rejects(`moved {\n  from = a\n  to = b\n}\n`, 1, /unsupported construct: "moved" block/);
  });
  it('a variable without a value', () => {
    rejects(`variable "host" {}\n${resource('  client_name = var.host')}`, 3, /variable "host" has no value: pass --var host=/);
  });
  it('an undefined or self-referencing local', () => {
    rejects(resource('  client_name = local.nope'), 2, /local value "nope" is not defined/);
    rejects(`locals {\n  a = local.b\n  b = local.a\n}\n${resource('  client_name = local.a')}`, 3, /local value "a" refers to itself/);
  });
  it('type mismatches', () => {
    rejects(resource('  redirect_uris = "https://a/cb"'), 2, /redirect_uris must be a list, not string/);
    rejects(resource('  skip_consent = "yes"'), 2, /skip_consent must be a bool/);
    rejects(resource('  client_name = ["a"]'), 2, /client_name must be a string, not list/);
  });
  it('syntax errors', () => {
    rejects(resource('  client_name = "unterminated'), 2, /unterminated string/);
    rejects(resource('  client_name = "a" "b"'), 2, /expected a newline/);
    rejects(`resource "hydra_oauth2_client" "app" {\n  client_name = "a"\n`, 3, /missing "}"/);
    rejects(resource('  redirect_uris = [for u in ["a"] "x"]'), 2, /expected ":"/);
    rejects(resource('  client_name = @'), 2, /unexpected character "@"/);
  });
  it('duplicates', () => {
    rejects(`${resource('  client_name = "a"')}${resource('  client_name = "b"')}`, 4, /resource hydra_oauth2_client\.app is declared twice/);
    rejects(resource('  client_name = "a"\n  client_name = "b"'), 3, /attribute "client_name" is set twice/);
  });
  it('unsupported file types', () => {
    const r = parseClients('clients.txt', '', {});
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'unsupported_format');
  });
});

describe('HCL subset: --var values', () => {
  it('reports a --var value that is not a value of a typed variable at the declaration', () => {
    rejects(`\nvariable "uris" {\n  type = list(string)\n}\n${resource('  redirect_uris = var.uris')}`, 2, /--var uris: the value is not an HCL value of the variable's type/, {
      uris: 'https://a/cb',
    });
  });
});

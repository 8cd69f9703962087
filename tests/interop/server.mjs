// An independent authorization server for oauth2kit's interop tests:
// npm `oidc-provider` (panva), configured for the grants oauth2kit speaks.
//
//   node server.mjs <port>      (0 = any free port)
//   node server.mjs <port> --mtls CERTDIR
//                               HTTPS with mutual TLS (RFC 8705): see the
//                               "mutual TLS" block below.
//
// Prints its issuer URL as the first line of stdout, then serves until
// SIGTERM/SIGINT or until stdin reaches EOF (so a test harness that dies
// cannot leave it running).
//
// Two issuers share the listener:
//   <base>         the main issuer. Its metadata is served at both
//                  /.well-known/openid-configuration (OIDC) and
//                  /.well-known/oauth-authorization-server (RFC 8414, same
//                  document: oidc-provider only serves the OIDC one itself).
//   <base>/tenant  an issuer with a path and OIDC discovery only, so a client
//                  must place the RFC 8414 well-known segment correctly and
//                  fall back to OpenID Connect discovery on 404.
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const keysDir = join(here, '..', '..', 'devserver', 'keys');

// The public half of the devserver's RSA test key, as a JWK, for the
// private_key_jwt client: the tests sign with devserver/keys/rsa-client.pem.
function publicJwk(file, kid) {
  const pem = readFileSync(join(keysDir, file), 'utf8');
  return { ...createPublicKey(pem).export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

const REDIRECTS = ['http://127.0.0.1/callback', 'http://localhost:8765/callback', 'com.example.app:/oauth2redirect'];
const GRANTS = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
];

// Secrets are test fixtures (the Rust tests repeat them). The basic client's
// secret has characters that RFC 6749 §2.3.1 form-urlencoding changes.
const CLIENTS = [
  { client_id: 'basic-client', client_secret: 'basic secret+/&=:%', token_endpoint_auth_method: 'client_secret_basic' },
  { client_id: 'post-client', client_secret: 'post-secret', token_endpoint_auth_method: 'client_secret_post' },
  {
    client_id: 'public-client',
    token_endpoint_auth_method: 'none',
    // A public client cannot keep a client_credentials grant.
    grant_types: GRANTS.filter((g) => g !== 'client_credentials'),
  },
  {
    client_id: 'jwt-secret-client',
    client_secret: 'jwt-secret-client-0123456789abcdef0123456789abcdef',
    token_endpoint_auth_method: 'client_secret_jwt',
    token_endpoint_auth_signing_alg: 'HS256',
  },
  {
    client_id: 'rsa-client',
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: { keys: [publicJwk('rsa-client.pub.pem', 'rsa-client')] },
  },
].map((c) => ({
  grant_types: GRANTS,
  response_types: ['code'],
  redirect_uris: REDIRECTS,
  // Loopback and custom-scheme redirect URIs are native-app URIs (RFC 8252).
  application_type: 'native',
  // RAR types each client may ask for (oidc-provider allows none by default).
  authorization_details_types: ['payment_initiation', 'account_information'],
  ...c,
}));

// ---- RAR (RFC 9396) and JAR (RFC 9101) -----------------------------------
// Rich authorization requests with the devserver's two types; the policy
// functions oidc-provider demands grant what was asked (the details a user
// consented to go with the code; client credentials get what they asked for).
// Request objects by value (`request=`), verified with the client's
// registered key (rsa-client's JWKS).
const RAR_TYPES = {
  payment_initiation: {
    validate(_ctx, detail) {
      if (!detail.instructedAmount) throw new errors.InvalidAuthorizationDetails('payment_initiation needs instructedAmount');
    },
  },
  account_information: { validate() {} },
};
const asked = (ctx) => {
  const value = ctx.oidc.params.authorization_details;
  return typeof value === 'string' ? JSON.parse(value) : value;
};
const RAR_AND_JAR_FEATURES = {
  richAuthorizationRequests: {
    enabled: true,
    types: RAR_TYPES,
    authorizationDetailsForGrantSource: (ctx) => ctx.oidc.grant?.rar ?? asked(ctx),
    authorizationDetailsForAccessToken: (ctx, _token, source) => (source ? source.rar : asked(ctx)),
    authorizationDetailsForIntrospection: (_ctx, token) => token.rar,
  },
  requestObjects: { enabled: true },
};

function configuration() {
  return {
    clients: CLIENTS,
    // Any user name signs in (devInteractions ignores the password).
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub }),
    }),
    scopes: ['openid', 'offline_access', 'read', 'write'],
    pkce: {
      // Public clients must use PKCE; S256 only (plain is refused).
      required: (_ctx, client) => client.clientAuthMethod === 'none',
    },
    // Refresh tokens for every client allowed the grant, without requiring
    // the `offline_access` scope + consent dance (a test needs one token).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      deviceFlow: { enabled: true },
      // --- JARM (JWT Secured Authorization Response Mode): response_mode jwt,
      // query.jwt, fragment.jwt, form_post.jwt; responses signed with the
      // provider's keys (RS256 by default), published at its jwks_uri. ---
      jwtResponseModes: { enabled: true },
      // --- end JARM ---
      // DPoP (RFC 9449, `dPoP`) is on by default in oidc-provider 9: proofs are
      // checked when a client sends them and tokens are then bound.
      // Resource indicators (RFC 8707): `resource=urn:oauth2kit:api` yields a
      // JWT access token (client credentials); without it tokens are opaque.
      ...RAR_AND_JAR_FEATURES,
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== 'urn:oauth2kit:api') throw new errors.InvalidTarget();
          return { scope: 'read write', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600 };
        },
      },
    },
    // RFC 9207 `iss` in authorization responses is always on in oidc-provider 9
    // (it advertises authorization_response_iss_parameter_supported: true).
    ttl: { AccessToken: 600, AuthorizationCode: 60, DeviceCode: 120, RefreshToken: 3600, Interaction: 300, Session: 600, Grant: 600 },
    cookies: { keys: ['oauth2kit-interop-cookie-key'] },
  };
}

// Rewrites req.url for a provider mounted under `prefix` (express style:
// oidc-provider reads req.originalUrl to build its own URLs).
function mounted(prefix, handler) {
  return (req, res) => {
    req.originalUrl = req.url;
    req.url = req.url.slice(prefix.length) || '/';
    handler(req, res);
  };
}

// --- mutual TLS (RFC 8705) ---
// `--mtls CERTDIR`: one issuer over HTTPS, with the PEM files the devserver
// writes (`oauth2kit-devserver --tls-ca-out CERTDIR/ca.pem
// --tls-client-cert-out CERTDIR`): its server certificate and key, its
// throw-away CA (which must have issued a tls_client_auth certificate), and
// the self-signed client certificate registered (x5c) for
// self_signed_tls_client_auth. Node asks every client for a certificate and
// lets the handshake through without one (rejectUnauthorized: false):
// oidc-provider decides per client (features.mTLS below).
function mtlsConfiguration(certDir) {
  const config = configuration();
  const selfSigned = readFileSync(join(certDir, 'self-signed-client.crt.pem'), 'utf8');
  const x509 = new X509Certificate(selfSigned);
  const bound = {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    tls_client_certificate_bound_access_tokens: true,
  };
  config.clients = [
    ...config.clients,
    {
      ...bound,
      client_id: 'mtls-client',
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_san_dns: 'mtls-client.devserver.test',
    },
    {
      ...bound,
      client_id: 'self-signed-client',
      token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [{ ...x509.publicKey.export({ format: 'jwk' }), x5c: [x509.raw.toString('base64')] }] },
    },
  ];
  config.clientAuthMethods = [
    'client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none',
    'tls_client_auth', 'self_signed_tls_client_auth',
  ];
  // The peer certificate of this request's TLS connection, if it sent one.
  const getCertificate = (ctx) => {
    const peer = ctx.socket.getPeerCertificate?.();
    return peer && peer.raw ? new X509Certificate(peer.raw) : undefined;
  };
  config.features.mTLS = {
    enabled: true,
    certificateBoundAccessTokens: true,
    tlsClientAuth: true,
    selfSignedTlsClientAuth: true,
    getCertificate,
    // Verified by node against CERTDIR/ca.pem (the `ca` of the listener).
    certificateAuthorized(ctx) {
      return ctx.socket.authorized === true;
    },
    certificateSubjectMatches(ctx, property, expected) {
      const cert = getCertificate(ctx);
      if (!cert || property !== 'tls_client_auth_san_dns') return false;
      return (cert.subjectAltName ?? '').split(', ').includes(`DNS:${expected}`);
    },
  };
  return config;
}

function startMtls(port, certDir) {
  const read = (name) => readFileSync(join(certDir, name));
  const server = createHttpsServer({
    key: read('server.key.pem'),
    cert: read('server.crt.pem'),
    ca: read('ca.pem'),
    requestCert: true,
    rejectUnauthorized: false,
  });
  server.listen(port, '127.0.0.1', () => {
    const base = `https://127.0.0.1:${server.address().port}`;
    const provider = new Provider(base, mtlsConfiguration(certDir));
    provider.proxy = false;
    const handler = provider.callback();
    server.on('request', (req, res) => {
      if (req.url.split('?')[0] === '/.well-known/oauth-authorization-server') {
        req.url = '/.well-known/openid-configuration';
      }
      handler(req, res);
    });
    process.stdout.write(`${base}\n`);
  });
  return server;
}
// --- end mutual TLS ---

const port = Number.parseInt(process.argv[2] ?? '0', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`usage: node server.mjs <port> [--mtls CERTDIR]   (got ${process.argv[2]})\n`);
  process.exit(2);
}
const mtlsDir = process.argv[3] === '--mtls' ? process.argv[4] : undefined;
if (process.argv[3] !== undefined && !mtlsDir) {
  process.stderr.write('usage: node server.mjs <port> [--mtls CERTDIR]\n');
  process.exit(2);
}

const server = mtlsDir ? startMtls(port, mtlsDir) : createServer();
if (!mtlsDir) server.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const main = new Provider(base, configuration());
  const tenant = new Provider(`${base}/tenant`, configuration());
  // Plain HTTP on loopback: no proxy in front, nothing to trust.
  main.proxy = false;
  tenant.proxy = false;
  const mainHandler = main.callback();
  const tenantHandler = mounted('/tenant', tenant.callback());

  server.on('request', (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/tenant' || path.startsWith('/tenant/')) return tenantHandler(req, res);
    if (path === '/.well-known/oauth-authorization-server') {
      req.url = '/.well-known/openid-configuration';
    }
    return mainHandler(req, res);
  });
  process.stdout.write(`${base}\n`);
});

function stop() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// EOF on stdin means the parent is gone (or done with us).
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

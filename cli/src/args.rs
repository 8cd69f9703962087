//! The command line, as clap types. Secrets can come from the environment so
//! they stay out of shell history and `ps`; their values are never shown in
//! `--help` (`hide_env_values`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "oauth2kit",
    version,
    about = "Run OAuth 2.0 grants against any authorization server",
    long_about = "Run OAuth 2.0 grants against any authorization server.\n\n\
                  `oauth2kit demo` starts an embedded authorization server and runs every grant against it.\n\
                  Exit codes are listed in cli/README.md (0 ok, 2 usage/config, 3 OAuth error, \
                  4 re-authorization required, 5 transport/timeout, 6 invalid response, …)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log what the library does on stderr: -v refreshes and fetches, -vv
    /// every HTTP exchange (method, URL without query, status, time), -vvv
    /// everything. Never a secret. RUST_LOG, when set, decides instead.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the embedded devserver and run every grant against it (no setup needed).
    Demo(DemoArgs),
    /// Obtain tokens with a grant.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Ask the introspection endpoint about a token (RFC 7662). Exit 1 when inactive.
    Introspect(TokenOpArgs),
    /// Revoke a token (RFC 7009).
    Revoke(TokenOpArgs),
    /// Ask the profile's validation endpoint whether a token is valid. Exit 1 when not.
    Validate(ValidateArgs),
    /// Print an issuer's metadata (RFC 8414, then OpenID Connect discovery) as JSON.
    Discover(DiscoverArgs),
    /// Print the OpenID Connect UserInfo claims for an access token as JSON.
    Userinfo(UserinfoArgs),
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print the table without the per-request "sent" column details.
    #[arg(long)]
    pub brief: bool,
}

impl Command {
    /// Whether the command prints JSON (`--json`): its failures are then a
    /// JSON error object on stdout too.
    pub fn json(&self) -> bool {
        match self {
            Command::Token(t) => t.output().json,
            Command::Introspect(a) | Command::Revoke(a) => a.json,
            Command::Userinfo(_) | Command::Discover(_) => true,
            Command::Demo(_) | Command::Validate(_) => false,
        }
    }
}

impl TokenCommand {
    /// The output flags every grant has.
    pub fn output(&self) -> OutputArgs {
        match self {
            TokenCommand::ClientCredentials(a) => a.output,
            TokenCommand::Password(a) => a.output,
            TokenCommand::Refresh(a) => a.output,
            TokenCommand::AuthorizationCode(a) => a.output,
            TokenCommand::Exchange(a) => a.output,
            TokenCommand::Device(a) => a.output,
            TokenCommand::Ciba(a) => a.output,
            TokenCommand::TokenExchange(a) => a.output,
            TokenCommand::JwtBearer(a) => a.output,
            TokenCommand::Saml2Bearer(a) => a.output,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Client credentials grant (RFC 6749 §4.4).
    ClientCredentials(GrantArgs),
    /// Resource owner password grant (RFC 6749 §4.3; legacy).
    Password(PasswordArgs),
    /// Refresh a token (RFC 6749 §6).
    Refresh(RefreshArgs),
    /// Authorization code with PKCE: prints the URL, waits for the redirect on a
    /// loopback listener (RFC 8252), or reads the pasted redirect URL with --paste.
    AuthorizationCode(AuthCodeArgs),
    /// Any extension grant by its grant_type URI, with --param name=value.
    /// (`token exchange` is its old name, kept as an alias: it was easy to
    /// mistake for RFC 8693 token exchange, which is `token token-exchange`.)
    #[command(name = "extension-grant", alias = "exchange")]
    Exchange(ExchangeArgs),
    /// Device authorization grant (RFC 8628): shows the code to enter, polls until approved.
    Device(DeviceArgs),
    /// CIBA poll mode: asks the user's device for approval, polls until approved.
    Ciba(CibaArgs),
    /// Token exchange (RFC 8693).
    TokenExchange(TokenExchangeArgs),
    /// JWT bearer grant (RFC 7523 §2.1): a given JWT, or one signed here with --sign-with.
    JwtBearer(JwtBearerArgs),
    /// SAML 2.0 bearer grant (RFC 7522): an assertion file, XML or already base64url.
    Saml2Bearer(Saml2Args),
}

/// How to reach and authenticate to the authorization server.
#[derive(Debug, Args, Clone)]
pub struct ClientArgs {
    /// Client identifier.
    #[arg(long, env = "OAUTH2KIT_CLIENT_ID")]
    pub client_id: String,
    /// Client secret (prefer the environment variable: arguments show in `ps`).
    #[arg(long, env = "OAUTH2KIT_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Client authentication method (default: from the credentials and the profile).
    #[arg(long, value_enum)]
    pub auth_method: Option<AuthMethodArg>,
    /// Private key for private_key_jwt: a PEM file (RSA, P-256, Ed25519) or a private JWK (.json).
    #[arg(long, value_name = "FILE")]
    pub private_key: Option<PathBuf>,
    /// Issuer: endpoints are discovered from its metadata (explicit URLs still win).
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Token endpoint.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// Authorization endpoint.
    #[arg(long, value_name = "URL")]
    pub authorization_url: Option<String>,
    /// Refresh endpoint, when the provider refreshes elsewhere.
    #[arg(long, value_name = "URL")]
    pub refresh_url: Option<String>,
    /// Introspection endpoint.
    #[arg(long, value_name = "URL")]
    pub introspection_url: Option<String>,
    /// Revocation endpoint.
    #[arg(long, value_name = "URL")]
    pub revocation_url: Option<String>,
    /// Device authorization endpoint (RFC 8628).
    #[arg(long, value_name = "URL")]
    pub device_authorization_url: Option<String>,
    /// CIBA backchannel authentication endpoint.
    #[arg(long, value_name = "URL")]
    pub backchannel_authentication_url: Option<String>,
    /// Validation endpoint (profiles that have one).
    #[arg(long, value_name = "URL")]
    pub validate_url: Option<String>,
    /// OpenID Connect UserInfo endpoint (for `userinfo`; discovered with --issuer).
    #[arg(long, value_name = "URL")]
    pub userinfo_url: Option<String>,
    /// The provider's JWKS: ID tokens are then validated and their claims shown (discovered with --issuer).
    #[arg(long, value_name = "URL")]
    pub jwks_uri: Option<String>,
    /// Provider profile: a built-in name (rfc6749, generic, deskera-v2, deskera-v1, desko) or a TOML/JSON file.
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Base URL for the profile's endpoints: an origin with an optional path
    /// prefix that each endpoint's path is appended to (https://staging.example/api
    /// turns /oauth/token into https://staging.example/api/oauth/token).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Scope (space-separated).
    #[arg(long)]
    pub scope: Option<String>,
    /// Resource indicator (RFC 8707), sent with authorization and token requests (repeatable).
    #[arg(long, value_name = "URI")]
    pub resource: Vec<String>,
    /// Pushed authorization request endpoint (RFC 9126; used by `authorization-code --par`).
    #[arg(long, value_name = "URL")]
    pub par_url: Option<String>,
    /// Allow plain http:// endpoints off loopback (never do this with real credentials).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Whole-request timeout in seconds.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum AuthMethodArg {
    /// client_secret_basic
    Basic,
    /// client_secret_post
    Post,
    /// client_secret_jwt (HS256 assertion signed with the secret)
    Jwt,
    /// private_key_jwt (needs --private-key)
    PrivateKeyJwt,
    /// none (public client)
    None,
}

/// How tokens are printed.
#[derive(Debug, Args, Clone, Copy)]
pub struct OutputArgs {
    /// Print the token response as JSON on stdout, tokens included.
    #[arg(long)]
    pub json: bool,
    /// Print token values in the summary (redacted by default).
    #[arg(long)]
    pub show_tokens: bool,
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Resource owner's user name.
    #[arg(long, env = "OAUTH2KIT_USERNAME")]
    pub username: String,
    /// Resource owner's password (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_PASSWORD", hide_env_values = true)]
    pub password: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The refresh token (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_REFRESH_TOKEN", hide_env_values = true)]
    pub refresh_token: String,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct AuthCodeArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Redirect URI. A loopback http URI without a port (or port 0) listens on a free port (RFC 8252 §7.3).
    #[arg(long, default_value = "http://127.0.0.1/callback", value_name = "URI")]
    pub redirect_uri: String,
    /// Do not listen: read the redirect URL (or its query string) pasted on stdin.
    #[arg(long)]
    pub paste: bool,
    /// Send the authorization parameters by a pushed authorization request (RFC 9126).
    #[arg(long)]
    pub par: bool,
    /// Open the authorization URL in the browser ($BROWSER first), besides printing it.
    #[arg(long)]
    pub open: bool,
    /// How long to wait for the redirect, in seconds.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub wait: u64,
    /// OpenID Connect prompt: login, consent, select_account, none (alone)…
    #[arg(long, value_name = "VALUES")]
    pub prompt: Option<String>,
    /// OpenID Connect max_age, in seconds: the ID token's auth_time is then checked.
    #[arg(long, value_name = "SECS")]
    pub max_age: Option<String>,
    /// OpenID Connect login_hint (a user name or e-mail address to pre-fill).
    #[arg(long, value_name = "HINT")]
    pub login_hint: Option<String>,
    /// OpenID Connect acr_values, space-separated in order of preference (voluntary).
    #[arg(long, value_name = "VALUES")]
    pub acr_values: Option<String>,
    /// OpenID Connect ui_locales, space-separated BCP 47 tags.
    #[arg(long, value_name = "TAGS")]
    pub ui_locales: Option<String>,
    /// OpenID Connect claims request (a JSON object); an essential id_token.acr is checked.
    #[arg(long, value_name = "JSON")]
    pub claims: Option<String>,
    /// Extra authorization request parameter (repeatable): resource=https://api…
    #[arg(long = "auth-param", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub auth_params: Vec<(String, String)>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ExchangeArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The grant_type URI, e.g. urn:ietf:params:oauth:grant-type:token-exchange.
    #[arg(long, value_name = "URI")]
    pub grant_type: String,
    /// A parameter of the grant (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub params: Vec<(String, String)>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct DeviceArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// Open the verification page in this machine's browser ($BROWSER first), besides printing it.
    #[arg(long)]
    pub open: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CibaArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// login_hint: who is asked to approve.
    #[arg(long)]
    pub login_hint: Option<String>,
    /// id_token_hint (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_ID_TOKEN_HINT", hide_env_values = true)]
    pub id_token_hint: Option<String>,
    /// login_hint_token (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_LOGIN_HINT_TOKEN", hide_env_values = true)]
    pub login_hint_token: Option<String>,
    /// binding_message shown on both devices.
    #[arg(long)]
    pub binding_message: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// RFC 8693 token type, by short name or full URI.
#[derive(Debug, Clone)]
pub struct TokenType(pub String);

fn parse_token_type(s: &str) -> Result<TokenType, String> {
    use oauth2kit::assertion_grants::token_types as t;
    Ok(TokenType(
        match s {
            "access_token" => t::ACCESS_TOKEN,
            "refresh_token" => t::REFRESH_TOKEN,
            "id_token" => t::ID_TOKEN,
            "jwt" => t::JWT,
            "saml1" => t::SAML1,
            "saml2" => t::SAML2,
            uri if uri.contains(':') => uri,
            _ => {
                return Err(
                    "use access_token, refresh_token, id_token, jwt, saml1, saml2 or a URI".into(),
                );
            }
        }
        .to_string(),
    ))
}

#[derive(Debug, Args)]
pub struct TokenExchangeArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The token to exchange (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_SUBJECT_TOKEN", hide_env_values = true)]
    pub subject_token: String,
    /// Its type: access_token, refresh_token, id_token, jwt, saml1, saml2, or a URI.
    #[arg(long, default_value = "access_token", value_parser = parse_token_type)]
    pub subject_token_type: TokenType,
    /// The acting party's token, for delegation (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_ACTOR_TOKEN", hide_env_values = true)]
    pub actor_token: Option<String>,
    /// The actor token's type.
    #[arg(long, value_parser = parse_token_type)]
    pub actor_token_type: Option<TokenType>,
    /// The type of token wanted.
    #[arg(long, value_parser = parse_token_type)]
    pub requested_token_type: Option<TokenType>,
    /// Target service (repeatable).
    #[arg(long)]
    pub audience: Vec<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct JwtBearerArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// A ready JWT (prefer the environment variable).
    #[arg(
        long,
        env = "OAUTH2KIT_ASSERTION",
        hide_env_values = true,
        conflicts_with = "sign_with"
    )]
    pub assertion: Option<String>,
    /// Sign the assertion here with this private key (PEM or JWK file).
    #[arg(long, value_name = "FILE")]
    pub sign_with: Option<PathBuf>,
    /// `iss` of the signed assertion (default: the client id).
    #[arg(long)]
    pub assertion_issuer: Option<String>,
    /// `sub` of the signed assertion: whom the tokens are for.
    #[arg(long)]
    pub subject: Option<String>,
    /// `aud` of the signed assertion (default: the token endpoint URL).
    #[arg(long)]
    pub assertion_audience: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct Saml2Args {
    #[command(flatten)]
    pub client: ClientArgs,
    /// A file with the assertion: SAML XML (encoded here) or base64url text.
    #[arg(long, value_name = "FILE")]
    pub assertion_file: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HintArg {
    AccessToken,
    RefreshToken,
}

#[derive(Debug, Args)]
pub struct TokenOpArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The token (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// token_type_hint.
    #[arg(long, value_enum)]
    pub token_type_hint: Option<HintArg>,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UserinfoArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The access token (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_TOKEN", hide_env_values = true)]
    pub token: String,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub client: ClientArgs,
    /// The access token (prefer the environment variable).
    #[arg(long, env = "OAUTH2KIT_TOKEN", hide_env_values = true)]
    pub token: String,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The issuer identifier, e.g. https://as.example.
    pub issuer: String,
    /// Allow a plain http:// issuer off loopback (never do this with real credentials).
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Whole-request timeout in seconds.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
}

/// `name=value` (the value may contain `=`).
fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        // The value is not echoed: parameters may carry tokens or assertions.
        _ => Err("expected NAME=VALUE".to_string()),
    }
}

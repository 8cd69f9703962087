package oauth2kit

/** Client configurations for the devserver's registered clients. */
object Clients {
    const val CUSTOM_SCHEME = "com.example.app:/oauth2redirect"
    const val BASIC_SECRET = "basic secret+/&=:%"

    fun standard(clientId: String, secret: String? = null, redirect: String? = CUSTOM_SCHEME,
                 authMethod: AuthMethod? = null, pem: String? = null) = ClientConfig(
        clientId = clientId,
        clientSecret = secret,
        privateKeyPem = pem,
        authMethod = authMethod,
        issuer = DevServer.url,
        authorizationUrl = "${DevServer.url}/authorize",
        tokenUrl = "${DevServer.url}/token",
        introspectionUrl = "${DevServer.url}/introspect",
        revocationUrl = "${DevServer.url}/revoke",
        redirectUri = redirect,
    )

    fun public() = OAuthClient(standard("public-client"))
    fun basic() = OAuthClient(standard("basic-client", BASIC_SECRET))
}

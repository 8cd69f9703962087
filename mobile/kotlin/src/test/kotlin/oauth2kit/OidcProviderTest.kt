package oauth2kit

import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * OpenID Connect against npm oidc-provider (tests/interop/server.mjs), an
 * authorization server we did not write: discovery, the authorization code
 * flow with `openid` (PKCE, state and nonce by default), the ID token
 * validated by the exchange and its claims read back, userinfo, and what
 * must be refused (altered `state` or `iss`, a nonce that is not the one
 * sent, a replayed code); RAR details granted and an unknown type refused; a
 * signed request object (JAR) and the FAPI 2.0 preset's whole sign-in (PAR,
 * private_key_jwt, a DPoP-bound token) for rsa-client; mutual TLS (RFC 8705)
 * against the HTTPS issuer of `server.mjs --mtls` (OP_MTLS_ISSUER, its PEM
 * files in OP_MTLS_DIR). tests/interop/test.sh runs this class with the
 * issuer in OP_ISSUER and OAUTH2KIT_INTEROP_REQUIRED=1, so a missing value
 * fails there; in the mobile suite (no oidc-provider) it is skipped, saying
 * why. The sign-in and consent pages are driven by tests/interop/op_user.py.
 */
class OidcProviderTest {
    private fun env(name: String): String = System.getenv(name)?.takeIf { it.isNotBlank() }
        ?: error("$name is not set (run bash tests/interop/test.sh)")

    @BeforeEach
    fun oidcProviderIsThere() {
        if (System.getenv("OAUTH2KIT_INTEROP_REQUIRED") == "1") {
            env("OP_ISSUER")
            env("OP_USER_PY")
        } else {
            assumeTrue(System.getenv("OP_ISSUER") != null,
                "oidc-provider is not running: this runs in the interop suite (bash tests/interop/test.sh)")
        }
    }

    // Keep in step with CLIENTS in server.mjs (test fixtures, not credentials).
    private val clientId = "basic-client"
    private val redirectUri = "http://127.0.0.1/callback"

    private suspend fun client() = OAuthClient.discover(ClientConfig(
        clientId = clientId,
        clientSecret = "basic secret+/&=:%",
        authMethod = AuthMethod.CLIENT_SECRET_BASIC,
        discoveryIssuer = env("OP_ISSUER"),
        redirectUri = redirectUri,
    ))

    private fun param(url: String, name: String): String? =
        url.substringAfter('?', "").split('&').firstOrNull { it.startsWith("$name=") }
            ?.substringAfter('=')?.let { java.net.URLDecoder.decode(it, Charsets.UTF_8) }

    private fun withParam(url: String, name: String, value: String): String {
        val (base, query) = url.split('?', limit = 2)
        assertTrue(query.split('&').any { it.startsWith("$name=") }, "no $name in the redirect")
        return base + "?" + query.split('&').joinToString("&") {
            if (it.startsWith("$name=")) "$name=" + java.net.URLEncoder.encode(value, Charsets.UTF_8) else it
        }
    }

    /** The string value of `"key":"..."` in compact JSON (the values read here have no escapes). */
    private fun jsonString(json: String, key: String): String? =
        Regex("\"${Regex.escape(key)}\":\"([^\"]*)\"").find(json)?.groupValues?.get(1)

    private fun audContains(claims: String, id: String): Boolean =
        jsonString(claims, "aud") == id ||
            Regex("\"aud\":\\[([^\\]]*)\\]").find(claims)?.groupValues?.get(1)?.split(',')?.contains("\"$id\"") == true

    @Test
    fun `code flow with openid validates the ID token and reads userinfo`() = runBlocking {
        val c = client()
        val request = c.authorizationRequest(AuthorizeOptions(scope = "openid"))
        // What oauth2kit sends by default with `openid`: PKCE S256, a state, a nonce.
        assertEquals("S256", param(request.url, "code_challenge_method"))
        val nonce = param(request.url, "nonce")
        assertTrue(nonce != null && nonce.length >= 22, "a nonce is sent")
        assertEquals(request.pending.state(), param(request.url, "state"))

        val redirect = signIn(request.url, "alice-kotlin")
        assertTrue(redirect.startsWith("$redirectUri?"), "redirected to the client")
        assertEquals(env("OP_ISSUER"), param(redirect, "iss"))

        // Refused before the code is spent: an altered state, an altered iss.
        assertThrows<OAuth2KitException.StateMismatch> {
            runBlocking { c.handleRedirect(request.pending, withParam(redirect, "state", "A".repeat(43))) }
        }
        val mixUp = assertThrows<OAuth2KitException.IssuerMismatch> {
            runBlocking { c.handleRedirect(request.pending, withParam(redirect, "iss", "http://127.0.0.1:1/evil")) }
        }
        assertEquals(env("OP_ISSUER"), mixUp.expected)
        assertEquals("http://127.0.0.1:1/evil", mixUp.actual)

        // The real redirect: the exchange validates the ID token.
        val tokens = c.handleRedirect(request.pending, redirect)
        val claims = tokens.idTokenClaimsJson
        assertNotNull(claims, "a validated ID token")
        assertEquals("alice-kotlin", jsonString(claims!!, "sub"))
        assertEquals(env("OP_ISSUER"), jsonString(claims, "iss"))
        assertTrue(audContains(claims, clientId), "aud contains $clientId")
        assertEquals(nonce, jsonString(claims, "nonce"), "the nonce sent")

        // UserInfo with the access token: the same subject.
        val info = c.userinfo(tokens)
        assertEquals(jsonString(claims, "sub"), jsonString(info, "sub"))

        // The code is single-use.
        val replay = assertThrows<OAuth2KitException.OAuth> { runBlocking { c.handleRedirect(request.pending, redirect) } }
        assertEquals("invalid_grant", replay.error)
    }

    @Test
    fun `an ID token whose nonce is not the one sent is refused`() = runBlocking {
        val c = client()
        val request = c.authorizationRequest(AuthorizeOptions(scope = "openid"))
        val redirect = signIn(request.url, "bob-kotlin")
        // The pending authorization saved and restored (Android may kill the
        // app meanwhile) with another nonce than the one sent: the server's
        // genuine ID token then carries a nonce this request did not send.
        val json = request.pending.toJson()
        val sent = jsonString(json, "nonce")
        assertNotNull(sent)
        assertEquals(param(request.url, "nonce"), sent)
        val other = (if (sent!![0] == 'A') "B" else "A") + sent.substring(1)
        val restored = PendingAuthorization.fromJson(json.replace("\"nonce\":\"$sent\"", "\"nonce\":\"$other\""))
        val e = assertThrows<OAuth2KitException.InvalidResponse> { runBlocking { c.handleRedirect(restored, redirect) } }
        assertTrue(e.detail.contains("ID token") && e.detail.contains("nonce check failed"), e.detail)
        assertFalse(e.toString().contains(sent) || e.toString().contains(other), "no nonce in the error")
    }

    @Test
    fun `a DPoP client gets a bound token and the FAPI 2_0 preset refuses a shared secret`() = runBlocking<Unit> {
        // oidc-provider 9 has DPoP on by default: the token comes back bound to the client's generated key.
        val config = ClientConfig(
            clientId = clientId,
            clientSecret = "basic secret+/&=:%",
            authMethod = AuthMethod.CLIENT_SECRET_BASIC,
            discoveryIssuer = env("OP_ISSUER"),
            dpop = true,
        )
        val tokens = OAuthClient.discover(config).clientCredentials("read")
        assertEquals("DPoP", tokens.tokenType)
        assertEquals(43, tokenSetDpopJkt(tokens)!!.length)
        val e = assertThrows<OAuth2KitException.Config> {
            runBlocking { OAuthClient.discover(config.copy(fapi2 = true, authMethod = null)) }
        }
        assertTrue(e.message!!.contains("private_key_jwt"), e.message)
    }

    // ---- JARM (features.jwtResponseModes in server.mjs) ----
    @Test
    fun `a JARM response is validated with the provider's keys and a tampered one is refused`() = runBlocking<Unit> {
        val c = OAuthClient.discover(ClientConfig(
            clientId = clientId,
            clientSecret = "basic secret+/&=:%",
            authMethod = AuthMethod.CLIENT_SECRET_BASIC,
            discoveryIssuer = env("OP_ISSUER"),
            redirectUri = redirectUri,
            responseMode = "fragment.jwt",
        ))
        val request = c.authorizationRequest(AuthorizeOptions(scope = "openid"))
        assertEquals("fragment.jwt", param(request.url, "response_mode"))
        val redirect = signIn(request.url, "jarm-kotlin")
        assertTrue(redirect.startsWith("$redirectUri#response=ey") && !redirect.contains("code="), redirect)
        // Another signature: a character in the middle of it changed (not the
        // last one, whose low bits may be padding).
        val i = redirect.length - 20
        val tampered = redirect.substring(0, i) + (if (redirect[i] == 'A') 'B' else 'A') + redirect.substring(i + 1)
        val e = assertThrows<OAuth2KitException.InvalidResponse> { runBlocking { c.handleRedirect(request.pending, tampered) } }
        assertTrue(e.detail.contains("JARM") && e.detail.contains("the signature check failed"), e.detail)
        // The genuine response: its code was never sent, so it still works.
        val tokens = c.handleRedirect(request.pending, redirect)
        assertEquals("jarm-kotlin", jsonString(tokens.idTokenClaimsJson!!, "sub"))
    }

    /** op_user.py signs in and consents on oidc-provider's pages and prints the redirect to the client. */
    private fun signIn(url: String, user: String): String {
        val p = ProcessBuilder("python3", env("OP_USER_PY"), "login", url, user)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = p.inputStream.bufferedReader().readText().trim()
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "op_user.py did not finish")
        assertEquals(0, p.exitValue(), "op_user.py failed")
        return out
    }

    @Test
    fun `RAR details are granted with client credentials and an unknown type is refused`() = runBlocking<Unit> {
        // oidc-provider grants details only together with a resource indicator.
        val config = ClientConfig(
            clientId = clientId,
            clientSecret = "basic secret+/&=:%",
            discoveryIssuer = env("OP_ISSUER"),
            resource = listOf("urn:oauth2kit:api"),
            authorizationDetails = """[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"42.00"}}]""",
        )
        val tokens = OAuthClient.discover(config).clientCredentials()
        val granted = tokenSetAuthorizationDetails(tokens)!!
        assertTrue(granted.contains("\"payment_initiation\"") && granted.contains("\"42.00\""), granted)
        val unknown = OAuthClient.discover(config.copy(authorizationDetails = """[{"type":"crypto_swap"}]"""))
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { unknown.clientCredentials() } }
        assertEquals("invalid_authorization_details", e.error)
    }

    private fun rsaClient() = ClientConfig(
        clientId = "rsa-client",
        privateKeyPem = DevServer.keyPem("rsa-client"),
        discoveryIssuer = env("OP_ISSUER"),
        redirectUri = redirectUri,
    )

    @Test
    fun `a signed request object and the FAPI 2_0 preset sign in`() = runBlocking<Unit> {
        val jar = OAuthClient.discover(rsaClient().copy(requestObject = true))
        val request = jar.authorizationRequest(AuthorizeOptions(scope = "read"))
        assertTrue(request.url.contains("&request=ey") && !request.url.contains("state="), request.url)
        assertEquals("Bearer", jar.handleRedirect(request.pending, signIn(request.url, "ivy-kt")).tokenType)

        val fapi = OAuthClient.discover(rsaClient().copy(fapi2 = true))
        val pushed = fapi.pushedAuthorizationUrl(AuthorizeOptions(scope = "read"))
        assertTrue(pushed.url.contains("request_uri="), pushed.url)
        val tokens = fapi.handleRedirect(pushed.pending, signIn(pushed.url, "ivy-kt"))
        assertEquals("DPoP", tokens.tokenType)
        assertEquals(43, tokenSetDpopJkt(tokens)!!.length)
    }

    // --- mutual TLS (RFC 8705) ---
    private suspend fun mtlsClient(id: String, method: AuthMethod, who: String): OAuthClient {
        val dir = java.io.File(env("OP_MTLS_DIR"))
        return OAuthClient.discover(ClientConfig(
            clientId = id,
            discoveryIssuer = env("OP_MTLS_ISSUER"),
            caCertificatesPem = listOf(dir.resolve("ca.pem").readText()),
            authMethod = method,
            tlsClientCertificate = dir.resolve("$who.crt.pem").readText(),
            tlsClientKey = dir.resolve("$who.key.pem").readText(),
        ))
    }

    @Test
    fun `mutual TLS client auth gets certificate-bound tokens and the wrong certificate is refused`() = runBlocking<Unit> {
        val thumbprints = listOf(
            Triple("mtls-client", AuthMethod.TLS_CLIENT_AUTH, "mtls-client"),
            Triple("self-signed-client", AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH, "self-signed-client"),
        ).map { (id, method, who) ->
            val c = mtlsClient(id, method, who)
            val info = c.introspect(c.clientCredentials().accessToken, TokenTypeHint.ACCESS_TOKEN)
            assertTrue(info.active, id)
            Regex("\"x5t#S256\":\"([A-Za-z0-9_-]{43})\"").find(info.extraJson)?.groupValues?.get(1)
                ?: fail("$id: no cnf.x5t#S256 in ${info.extraJson}")
        }
        assertNotEquals(thumbprints[0], thumbprints[1], "each token bound to its own certificate")
        // The self-signed certificate as mtls-client's: not issued by the CA.
        val wrong = mtlsClient("mtls-client", AuthMethod.TLS_CLIENT_AUTH, "self-signed-client")
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { wrong.clientCredentials() } }
        assertEquals("invalid_client", e.error)
    }
    // --- end mutual TLS ---
}

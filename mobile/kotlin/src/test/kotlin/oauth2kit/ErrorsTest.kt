package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Each error case reaches Kotlin as its own subclass with its fields. */
class ErrorsTest {
    @AfterEach
    fun clearFaults() = DevServer.reset()

    private inline fun <reified E : OAuth2KitException> fails(crossinline block: suspend () -> Unit): E =
        assertThrows<E> { runBlocking { block() } }

    @Test
    fun `OAuth error keeps error, description, uri and status`() {
        val client = OAuthClient(Clients.standard("basic-client", "wrong secret"))
        val e = fails<OAuth2KitException.OAuth> { client.clientCredentials() }
        assertEquals("invalid_client", e.error)
        assertEquals(401, e.status)
        assertNotNull(e.description)
        assertFalse(e.transient)
        assertEquals(1, e.code())
        assertEquals("oauth", e.codeName())
        assertTrue(e.message!!.contains("invalid_client"), e.message)
        // Sealed class: an app can `when` over it exhaustively.
        val kind = when (e as OAuth2KitException) {
            is OAuth2KitException.OAuth -> "oauth"
            is OAuth2KitException.ReauthorizationRequired -> "reauth"
            else -> "other"
        }
        assertEquals("oauth", kind)
    }

    @Test
    fun `fields() gives every field by name, the case's only`() {
        // What Swift code reads (it cannot match enum values by label); the same record here.
        val oauth = fails<OAuth2KitException.OAuth> { OAuthClient(Clients.standard("basic-client", "wrong secret")).clientCredentials() }
        val f = oauth.fields()
        assertEquals(ErrorFields(code = 1, codeName = "oauth", error = oauth.error, description = oauth.description,
            uri = oauth.uri, status = 401, body = oauth.body, extraJson = oauth.extraJson,
            retryAfterSeconds = oauth.retryAfterSeconds, transient = false, reason = null, location = null,
            limit = null, timeoutSeconds = null, expected = null, actual = null, kind = null, detail = oauth.detail), f)

        DevServer.fault("token", status = 503, body = "<html>down</html>", contentType = "text/html",
            headers = listOf("Retry-After" to "7"))
        val http = fails<OAuth2KitException.Http> { Clients.basic().clientCredentials() }.fields()
        assertEquals(Triple(503, 7.0, true), Triple(http.status, http.retryAfterSeconds, http.transient))
        assertNull(http.error)

        val config = fails<OAuth2KitException.Config> { OAuthClient(ClientConfig(clientId = "")) }.fields()
        assertEquals("config", config.codeName)
        assertTrue(config.detail.isNotEmpty())
        assertNull(config.status)
        assertNull(config.transient)
    }

    @Test
    fun `ReauthorizationRequired is distinct`() {
        val e = fails<OAuth2KitException.ReauthorizationRequired> { Clients.basic().refresh("no-such-refresh-token") }
        assertEquals("invalid_grant", e.error)
        assertEquals(2, e.code())
    }

    @Test
    fun `Http error keeps status, body and Retry-After`() {
        DevServer.fault("token", status = 503, body = "<html>down for maintenance</html>", contentType = "text/html",
            headers = listOf("Retry-After" to "7"))
        val e = fails<OAuth2KitException.Http> { Clients.basic().clientCredentials() }
        assertEquals(503, e.status)
        assertTrue(e.body.contains("maintenance"), e.body)
        assertEquals(7.0, e.retryAfterSeconds)
        assertTrue(e.transient)
    }

    @Test
    fun `InvalidResponse on a 200 without access_token`() {
        DevServer.fault("token", status = 200, body = """{"token_type":"Bearer"}""")
        val e = fails<OAuth2KitException.InvalidResponse> { Clients.basic().clientCredentials() }
        assertEquals(200, e.status)
        assertTrue(e.reason.isNotEmpty())
    }

    @Test
    fun `UnexpectedRedirect is not followed and hides query values`() {
        DevServer.fault("token", status = 302, body = "", headers = listOf("Location" to "https://elsewhere.example/x?code=SECRETCODE"))
        val e = fails<OAuth2KitException.UnexpectedRedirect> { Clients.basic().clientCredentials() }
        assertEquals(302, e.status)
        assertTrue(e.location!!.startsWith("https://elsewhere.example/x"), e.location)
        assertFalse(e.location!!.contains("SECRETCODE"))
    }

    @Test
    fun `ResponseTooLarge past the configured cap`() {
        DevServer.fault("token", status = 200, body = """{"access_token":"${"x".repeat(5000)}"}""")
        val client = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(maxResponseBytes = 1000))
        val e = fails<OAuth2KitException.ResponseTooLarge> { client.clientCredentials() }
        assertEquals(1000L, e.limit)
    }

    @Test
    fun `Transport error when nothing listens`() {
        val client = OAuthClient(ClientConfig(clientId = "c", clientSecret = "s", tokenUrl = "http://127.0.0.1:9/token"))
        val e = fails<OAuth2KitException.Transport> { client.clientCredentials() }
        assertEquals(7, e.code())
    }

    @Test
    fun `Timeout when the server is slower than the configured timeout`() {
        DevServer.fault("token", delayMs = 3000)
        val client = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(timeout = 0.3))
        val e = fails<OAuth2KitException.Timeout> { client.clientCredentials() }
        assertEquals(0.3, e.timeoutSeconds, 1e-9)
    }

    @Test
    fun `StateMismatch on a redirect that is not ours`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest()
        val redirect = DevServer.authorize(request.url)
        val forged = redirect.replace(Regex("state=[^&]*"), "state=forged")
        fails<OAuth2KitException.StateMismatch> { client.handleRedirect(request.pending, forged) }
        Unit
    }

    @Test
    fun `IssuerMismatch on a redirect from another server`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest()
        val redirect = DevServer.authorize(request.url)
        val mixedUp = redirect.replace(Regex("iss=[^&]*"), "iss=https%3A%2F%2Fevil.example")
        val e = fails<OAuth2KitException.IssuerMismatch> { client.handleRedirect(request.pending, mixedUp) }
        assertEquals(DevServer.url, e.expected)
        assertEquals("https://evil.example", e.actual)
    }

    @Test
    fun `Config errors for bad input, never a crash`() {
        fun bad(config: ClientConfig) = assertThrows<OAuth2KitException.Config> { OAuthClient(config) }
        bad(ClientConfig(clientId = ""))
        bad(ClientConfig(clientId = "c", tokenUrl = "not a url"))
        bad(ClientConfig(clientId = "c", tokenUrl = "http://as.example/token")) // clear text off loopback
        bad(ClientConfig(clientId = "c", profile = "no-such-profile"))
        bad(ClientConfig(clientId = "c", profileText = "this is = = not toml"))
        bad(ClientConfig(clientId = "c", profile = "desko", profileText = "name = \"x\""))
        bad(ClientConfig(clientId = "c", privateKeyPem = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"))
        bad(ClientConfig(clientId = "c", timeout = -1.0))
        bad(ClientConfig(clientId = "c", authMethod = AuthMethod.CLIENT_SECRET_POST, profile = "deskra-v2"))
        val e = bad(ClientConfig(clientId = "c", authMethod = AuthMethod.CLIENT_SECRET_BASIC))
        assertEquals(11, e.code())
        // A client with no token endpoint fails the call, not the process.
        val noToken = OAuthClient(ClientConfig(clientId = "c"))
        fails<OAuth2KitException.Config> { noToken.clientCredentials() }
        assertThrows<OAuth2KitException.Config> { noToken.authorizationRequest() }
        fails<OAuth2KitException.Config> { Clients.public().pushedAuthorizationRequest() } // no PAR endpoint
        val pub = Clients.public()
        val pending = pub.authorizationRequest().pending
        fails<OAuth2KitException.Config> { pub.handleRedirect(pending, "com.example.app:/oauth2redirect") }
        assertThrows<OAuth2KitException.Config> { tokenSetToJson(TokenSet(accessToken = "a", extraJson = "[1]")) }
    }
}

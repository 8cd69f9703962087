package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Client credentials with every client authentication method, password, and the provider profiles. */
class GrantsTest {
    private fun cc(config: ClientConfig, scope: String? = null) = runBlocking { OAuthClient(config).clientCredentials(scope) }

    @Test
    fun `client credentials with client_secret_basic (secret needing RFC 6749 encoding)`() {
        val t = cc(Clients.standard("basic-client", Clients.BASIC_SECRET), "read write")
        assertEquals("read write", t.scope)
        assertNull(t.refreshToken)
    }

    @Test
    fun `client credentials with client_secret_post`() {
        val t = cc(Clients.standard("post-client", "post-secret", authMethod = AuthMethod.CLIENT_SECRET_POST))
        assertTrue(t.accessToken.isNotEmpty())
    }

    @Test
    fun `client credentials with client_secret_jwt`() {
        val t = cc(Clients.standard("jwt-secret-client", "jwt-secret-client-0123456789abcdef0123456789abcdef",
            authMethod = AuthMethod.CLIENT_SECRET_JWT))
        assertTrue(t.accessToken.isNotEmpty())
    }

    @Test
    fun `client credentials with private_key_jwt (RSA, EC, Ed25519 PEM)`() {
        for (name in listOf("rsa-client", "ec-client", "ed-client")) {
            val t = cc(Clients.standard(name, pem = DevServer.keyPem(name)))
            assertTrue(t.accessToken.isNotEmpty(), name)
        }
    }

    @Test
    fun `password grant`() = runBlocking {
        val t = Clients.basic().password("alice", "wonderland")
        assertNotNull(t.refreshToken)
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { Clients.basic().password("alice", "wrong") } }
        assertEquals("invalid_grant", e.error)
    }

    @Test
    fun `Deskera V2 profile - authorization code, validate, x-access-token, refresh`() = runBlocking {
        DevServer.setCallbackUri("deskera-client", Clients.CUSTOM_SCHEME)
        val client = OAuthClient(ClientConfig(clientId = "deskera-client", clientSecret = "deskera-secret",
            profile = "deskera-v2", baseUrl = "${DevServer.url}/deskera-v2"))
        assertEquals("deskera-v2", client.profileName())
        val request = client.authorizationRequest()
        // The dialect: no redirect_uri, no PKCE, scope=write.
        assertNull(queryParam(request.url, "redirect_uri"))
        assertNull(queryParam(request.url, "code_challenge"))
        assertEquals("write", queryParam(request.url, "scope"))
        val before = DevServer.count("deskera-v2/token")

        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        assertEquals(before + 1, DevServer.count("deskera-v2/token"))
        val header = client.authorizationHeader(tokens)
        assertEquals("x-access-token", header.name)
        assertEquals(tokens.accessToken, header.value)
        assertTrue(client.validate(tokens))
        assertFalse(client.validate(tokens.copy(accessToken = "not-a-token")))

        val refreshed = client.refresh(tokens.refreshToken!!)
        assertNotEquals(tokens.refreshToken, refreshed.refreshToken) // rotated
        assertTrue(client.validate(refreshed))
        // The rotated-out refresh token is refused: the app must sign the user in again.
        assertThrows<OAuth2KitException.ReauthorizationRequired> { runBlocking { client.refresh(tokens.refreshToken!!) } }
        Unit
    }

    private fun desko(secret: String) = OAuthClient(ClientConfig(clientId = "desko-client", clientSecret = secret,
        profile = "desko", baseUrl = "${DevServer.url}/desko"))

    @Test
    fun `Desko profile - JSON client credentials and its own error body`() = runBlocking {
        val t = desko("desko-secret").clientCredentials("read")
        assertEquals("Bearer", t.tokenType)
        assertNotNull(t.expiresAt)
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { desko("wrong").clientCredentials() } }
        assertEquals("oauth_server", e.error)
        assertEquals("Client authentication failed", e.description)
        assertEquals(401, e.status)
        assertTrue(e.extraJson.contains("401"), e.extraJson) // Desko's numeric `error` is kept
    }

    @Test
    fun `profile given as text`() = runBlocking {
        val text = """
            name = "my-desko"
            client_auth = "client_secret_post"
            [token]
            params_in = "json"
            [errors]
            error = "id"
            description = "message"
        """.trimIndent()
        val client = OAuthClient(ClientConfig(clientId = "desko-client", clientSecret = "desko-secret",
            profileText = text, tokenUrl = "${DevServer.url}/desko/v1.1/oauth/token"))
        assertEquals("my-desko", client.profileName())
        assertTrue(client.clientCredentials().accessToken.isNotEmpty())
    }

    @Test
    fun `tokens round-trip through the store JSON`() = runBlocking {
        val t = Clients.basic().password("bob", "builder")
        val json = tokenSetToJson(t)
        val back = tokenSetFromJson(json)
        assertEquals(t.accessToken, back.accessToken)
        assertEquals(t.refreshToken, back.refreshToken)
        assertEquals(t.expiresAt?.epochSecond, back.expiresAt?.epochSecond)
        assertThrows<OAuth2KitException.Config> { tokenSetFromJson("[]") }
        Unit
    }

    @Test
    fun `builtin profiles are listed`() {
        assertTrue(builtinProfiles().containsAll(listOf("rfc6749", "deskera-v2", "deskera-v1", "desko", "generic")))
    }
}

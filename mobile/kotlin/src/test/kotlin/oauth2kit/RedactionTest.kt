package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** toString() of everything that holds a secret hides it (logs, crash reports). */
class RedactionTest {
    @Test
    fun `config, tokens, header and pending authorization print no secret`() = runBlocking {
        val config = Clients.standard("basic-client", Clients.BASIC_SECRET)
        assertFalse(config.toString().contains("basic secret"), config.toString())
        assertTrue(config.toString().contains("basic-client"))

        val client = OAuthClient(config)
        val tokens = client.password("alice", "wonderland")
        val shown = tokens.toString()
        assertFalse(shown.contains(tokens.accessToken), shown)
        assertFalse(shown.contains(tokens.refreshToken!!), shown)
        val header = client.authorizationHeader(tokens)
        assertFalse(header.toString().contains(tokens.accessToken))

        val request = Clients.public().authorizationRequest()
        assertFalse(request.pending.toString().contains(request.pending.state()))
        assertFalse(client.toString().contains("basic secret"))
    }

    @Test
    fun `error messages carry no token`() {
        DevServer.fault("token", status = 400, body = """{"error":"invalid_request","refresh_token":"LEAKME"}""")
        try {
            val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { Clients.basic().clientCredentials() } }
            assertFalse(e.message!!.contains("LEAKME"), e.message)
            assertFalse((e.body ?: "").contains("LEAKME"))
        } finally {
            DevServer.reset()
        }
    }
}

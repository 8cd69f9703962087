package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * JARM (JWT Secured Authorization Response Mode) from Kotlin against the
 * devserver: the response is a JWT signed with the devserver's key, checked
 * with its JWKS before the code is used; every spoiled response is an
 * InvalidResponse naming the check, and no token request is made.
 */
class JarmTest {
    private fun client(mode: String) = OAuthClient(
        Clients.standard("basic-client", Clients.BASIC_SECRET, redirect = "http://127.0.0.1:41999/callback")
            .copy(jwksUri = "${DevServer.url}/jwks", responseMode = mode)
    )

    /** The body the devserver's auto-submitting form would post. */
    private fun formPost(url: String): String {
        val resp = DevServer.get(url)
        assertEquals(200, resp.statusCode())
        val m = Regex("""name="response" value="([^"]+)"""").find(resp.body())
        assertNotNull(m, resp.body())
        return "response=${m!!.groupValues[1]}"
    }

    @Test
    fun `the code flow works by query, fragment and form post`() = runBlocking<Unit> {
        for (mode in listOf("query.jwt", "fragment.jwt", "form_post.jwt")) {
            val client = client(mode)
            val request = client.authorizationRequest(AuthorizeOptions(scope = "read"))
            assertTrue(request.url.contains("response_mode=$mode"), request.url)
            val redirect = if (mode == "form_post.jwt") formPost(request.url) else DevServer.authorize(request.url)
            assertTrue(redirect.contains("response=ey") && !redirect.contains("code="), redirect)
            val before = DevServer.count("token")
            val tokens = client.handleRedirect(request.pending, redirect)
            assertEquals("read", tokens.scope)
            assertEquals(before + 1, DevServer.count("token"))
        }
    }

    @Test
    fun `every spoiled response is refused before the code is exchanged`() = runBlocking<Unit> {
        val client = client("query.jwt")
        for ((corrupt, check) in listOf(
            "signature" to "signature", "iss" to "iss", "aud" to "aud", "exp" to "exp",
            "alg_none" to "alg", "plain" to "downgrade", "encrypted" to "encrypted",
        )) {
            val request = client.authorizationRequest(AuthorizeOptions(scope = "read"))
            DevServer.jarm(corrupt)
            val redirect = try { DevServer.authorize(request.url) } finally { DevServer.jarm(null) }
            val before = DevServer.count("token")
            val e = assertThrows<OAuth2KitException.InvalidResponse> {
                runBlocking { client.handleRedirect(request.pending, redirect) }
            }
            assertTrue(e.message!!.contains("the $check check failed"), "$corrupt: ${e.message}")
            assertEquals(before, DevServer.count("token"), corrupt)
        }
    }

    @Test
    fun `an unknown mode is a configuration error`() {
        val e = assertThrows<OAuth2KitException.Config> { client("jwe") }
        assertTrue(e.message!!.contains("response_mode"), e.message)
    }
}

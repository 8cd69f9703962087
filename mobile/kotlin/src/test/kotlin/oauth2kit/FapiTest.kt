package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * Pushed authorization requests (RFC 9126) and the FAPI 2.0 preset from Kotlin
 * against the devserver, which verifies each part: the push authenticated with
 * private_key_jwt, PKCE, `iss` in the redirect, a DPoP-bound token presented
 * to /resource, the request URI used once; a shared secret refused.
 */
class FapiTest {
    private val http: HttpClient = HttpClient.newHttpClient()

    @AfterEach
    fun restore() = DevServer.reset()

    private fun fapiConfig() =
        Clients.standard("rsa-client", pem = DevServer.keyPem("rsa-client"), redirect = "http://127.0.0.1:41999/callback")
            .copy(parUrl = "${DevServer.url}/par", fapi2 = true)

    @Test
    fun `a FAPI 2_0 client signs in through PAR with a DPoP-bound token`() = runBlocking<Unit> {
        val client = OAuthClient(fapiConfig())
        val front = assertThrows<OAuth2KitException.Config> { runBlocking { client.authorizationRequest(AuthorizeOptions()) } }
        assertTrue(front.message!!.contains("PAR"), front.message)
        val pushes = DevServer.count("par")
        val request = client.pushedAuthorizationUrl(AuthorizeOptions(scope = "read"))
        assertEquals(pushes + 1, DevServer.count("par"))
        assertTrue(request.url.contains("request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A"), request.url)
        assertFalse(request.url.contains("state="), request.url)
        val redirect = DevServer.authorize(request.url)
        assertTrue(redirect.contains("iss="), redirect)
        val tokens = client.handleRedirect(request.pending, redirect)
        assertEquals("DPoP", tokens.tokenType)
        assertEquals("read", tokens.scope)
        val url = "${DevServer.url}/resource"
        val b = HttpRequest.newBuilder(URI.create(url)).GET()
        for (h in client.resourceRequestHeaders(tokens, "GET", url)) b.header(h.name, h.value)
        assertEquals(200, http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        // The request URI is spent.
        val again = http.send(HttpRequest.newBuilder(URI.create(request.url)).GET().build(), HttpResponse.BodyHandlers.ofString())
        assertEquals(400, again.statusCode())
        assertTrue(again.body().contains("invalid_request_uri"), again.body())
    }

    @Test
    fun `a shared secret cannot be FAPI 2_0 and a refused push is typed`() = runBlocking<Unit> {
        val e = assertThrows<OAuth2KitException.Config> {
            OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(parUrl = "${DevServer.url}/par", fapi2 = true))
        }
        assertTrue(e.message!!.contains("FAPI 2.0"), e.message)
        val wrong = OAuthClient(Clients.standard("basic-client", "wrong secret").copy(parUrl = "${DevServer.url}/par"))
        val refused = assertThrows<OAuth2KitException.OAuth> { runBlocking { wrong.pushedAuthorizationUrl(AuthorizeOptions()) } }
        assertEquals("invalid_client", refused.error)
        assertFalse(refused.message!!.contains("wrong secret"))
    }
}

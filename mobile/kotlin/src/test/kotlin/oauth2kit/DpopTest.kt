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
 * DPoP (RFC 9449) from Kotlin against the devserver, which verifies every
 * proof: a bound token (tokenType DPoP), presented to /resource with a proof
 * it accepts, a resource nonce demanded → one retry, the key carried by the
 * TokenSet and through a Kotlin store, another key refused, and broken proofs
 * (another URL or method, a replayed one, a stale one) refused.
 */
class DpopTest {
    private val http: HttpClient = HttpClient.newHttpClient()

    @AfterEach
    fun restore() {
        dpopKnobs("{}")
        DevServer.reset()
    }

    private fun dpopKnobs(json: String) {
        val req = HttpRequest.newBuilder(URI.create("${DevServer.url}/control/dpop"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build()
        check(http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200)
    }

    /** GET `url` with `headers`; the answer's status and headers. */
    private fun get(url: String, headers: List<HttpHeader>): Pair<Int, List<HttpHeader>> {
        val b = HttpRequest.newBuilder(URI.create(url)).GET()
        for (h in headers) b.header(h.name, h.value)
        val resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString())
        val answer = resp.headers().map().flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
        return resp.statusCode() to answer
    }

    private fun dpopClient(algorithm: String? = null) = OAuthClient(
        Clients.standard("basic-client", Clients.BASIC_SECRET).copy(dpop = true, dpopAlgorithm = algorithm)
    )

    @Test
    fun `a bound token is presented with a proof and a nonce demand is answered once`() = runBlocking<Unit> {
        val client = dpopClient()
        val tokens = client.clientCredentials("read")
        assertEquals("DPoP", tokens.tokenType)
        assertNotNull(tokens.dpopKeyJwk)
        assertEquals(43, tokenSetDpopJkt(tokens)!!.length)
        // the private key never shows in toString
        val d = Regex("\"d\":\"([^\"]+)\"").find(tokens.dpopKeyJwk!!)!!.groupValues[1]
        assertFalse(tokens.toString().contains(d))
        assertTrue(tokens.toString().contains("dpopKey=[redacted]"))

        dpopKnobs("""{"resource_nonce":true}""")
        val url = "${DevServer.url}/resource?x=1"
        val headers = client.resourceRequestHeaders(tokens, "GET", url)
        assertEquals(listOf("Authorization", "DPoP"), headers.map { it.name })
        assertEquals("DPoP ${tokens.accessToken}", headers[0].value)
        val (status, answer) = get(url, headers)
        assertEquals(401, status)
        assertTrue(client.checkResourceResponse(tokens, url, status.toUShort(), answer))
        val (again, answer2) = get(url, client.resourceRequestHeaders(tokens, "GET", url))
        assertEquals(200, again)
        assertFalse(client.checkResourceResponse(tokens, url, again.toUShort(), answer2))
        assertEquals(2, DevServer.count("resource"))
    }

    @Test
    fun `the key travels with the tokens through a Kotlin store and a session`() = runBlocking<Unit> {
        val client = dpopClient("EdDSA")
        val store = PrefsStore()
        val first = Session(client, store, config = SessionConfig(clientCredentials = true))
        val tokens = first.tokens()
        assertTrue(store.json!!.contains("dpop_jwk"))
        // Another app start: a client without DPoP, the same store.
        val plain = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET))
        val restored = Session(plain, store)
        val loaded = restored.tokens()
        assertEquals(tokenSetDpopJkt(tokens), tokenSetDpopJkt(loaded))
        // the JSON form keeps the key (expiry is kept to the millisecond, so compare the key)
        assertEquals(tokens.dpopKeyJwk, tokenSetFromJson(tokenSetToJson(tokens)).dpopKeyJwk)
        dpopKnobs("""{"resource_nonce":true}""")
        val url = "${DevServer.url}/userinfo"
        var (status, answer) = get(url, restored.resourceRequestHeaders("GET", url))
        if (restored.checkResourceResponse(url, status.toUShort(), answer)) {
            val r = get(url, restored.resourceRequestHeaders("GET", url))
            status = r.first
        }
        assertEquals(200, status)
        assertEquals(2, DevServer.count("userinfo"))
        assertEquals(1, DevServer.count("token"))
    }

    @Test
    fun `a token presented with another key is refused, and errors are typed`() = runBlocking<Unit> {
        val tokens = dpopClient().clientCredentials()
        val keyless = tokens.copy(dpopKeyJwk = null)
        val other = dpopClient("EdDSA")
        val url = "${DevServer.url}/resource"
        val (status, answer) = get(url, other.resourceRequestHeaders(keyless, "GET", url))
        assertEquals(401, status)
        assertTrue(answer.any { it.name.equals("www-authenticate", true) && it.value.contains("invalid_token") })
        assertFalse(other.checkResourceResponse(keyless, url, status.toUShort(), answer))
        val plain = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET))
        assertThrows<OAuth2KitException.Config> { plain.resourceRequestHeaders(keyless, "GET", url) }
        assertThrows<OAuth2KitException.Config> { plain.resourceRequestHeaders(tokens, "GET", "not a url") }
        assertThrows<OAuth2KitException.Config> {
            OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(dpopKeyPem = "not a key"))
        }
    }

    @Test
    fun `broken proofs are refused - another URL or method, a replay, a stale iat`() = runBlocking<Unit> {
        val client = dpopClient()
        val tokens = client.clientCredentials()
        val url = "${DevServer.url}/resource"
        fun refused(headers: List<HttpHeader>, why: String) {
            val (status, answer) = get(url, headers)
            assertEquals(401, status)
            val challenge = answer.first { it.name.equals("www-authenticate", true) }.value
            assertTrue(challenge.contains("invalid_dpop_proof") && challenge.contains(why), challenge)
            // not a nonce demand: no retry
            assertFalse(client.checkResourceResponse(tokens, url, status.toUShort(), answer))
        }
        refused(client.resourceRequestHeaders(tokens, "GET", "${DevServer.url}/other"), "htu")
        refused(client.resourceRequestHeaders(tokens, "POST", url), "htm")
        val good = client.resourceRequestHeaders(tokens, "GET", url)
        assertEquals(200, get(url, good).first)
        refused(good, "replayed")
        // the server's clock 10 minutes ahead: a fresh proof is stale
        dpopKnobs("""{"clock_offset":600}""")
        refused(client.resourceRequestHeaders(tokens, "GET", url), "iat")
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { client.clientCredentials() } }
        assertEquals("invalid_dpop_proof", e.error)
        assertEquals(400, e.status)
    }
}

package oauth2kit

import kotlinx.coroutines.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Tag
import org.junit.jupiter.api.Test
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * Side by side, in one run, against the same devserver: a client-credentials
 * request through the Kotlin binding (JNA -> Rust -> tokio -> reqwest) and the
 * same request written by hand with java.net.http (what an app would do
 * without a library). Prints ratios; asserts only that both got tokens.
 * Run by mobile/bench.sh, never by the test suite.
 */
@Tag("bench")
class BindingBench {
    private val rounds = Integer.getInteger("oauth2kit.bench.rounds", 300)
    private val http = HttpClient.newHttpClient()
    private val form = "grant_type=client_credentials&client_id=post-client&client_secret=post-secret&scope=read"

    private fun byHand(): String {
        val req = HttpRequest.newBuilder(URI.create("${DevServer.url}/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build()
        val body = http.send(req, HttpResponse.BodyHandlers.ofString()).body()
        return Regex("\"access_token\"\\s*:\\s*\"([^\"]+)\"").find(body)!!.groupValues[1]
    }

    private inline fun micros(n: Int, block: () -> Unit): Double {
        val start = System.nanoTime()
        repeat(n) { block() }
        return (System.nanoTime() - start) / 1000.0 / n
    }

    @Test
    fun `client credentials - binding vs java net http`() = runBlocking {
        val client = OAuthClient(Clients.standard("post-client", "post-secret", authMethod = AuthMethod.CLIENT_SECRET_POST))
        repeat(50) { assertTrue(client.clientCredentials("read").accessToken.isNotEmpty()); byHand() } // warm-up
        val lib = micros(rounds) { runBlocking { client.clientCredentials("read") } }
        val hand = micros(rounds) { byHand() }
        println("bench: client_credentials sequential x$rounds: oauth2kit ${"%.0f".format(lib)} us, " +
            "java.net.http by hand ${"%.0f".format(hand)} us, ratio ${"%.2f".format(lib / hand)}")

        val parallel = 40
        val t0 = System.nanoTime()
        (1..parallel).map { async(Dispatchers.IO) { repeat(rounds / 10) { client.clientCredentials("read") } } }.awaitAll()
        val libPar = (System.nanoTime() - t0) / 1e9
        val t1 = System.nanoTime()
        (1..parallel).map { async(Dispatchers.IO) { repeat(rounds / 10) { byHand() } } }.awaitAll()
        val handPar = (System.nanoTime() - t1) / 1e9
        val total = parallel * (rounds / 10)
        println("bench: client_credentials $parallel coroutines x${rounds / 10}: oauth2kit ${"%.0f".format(total / libPar)}/s, " +
            "by hand ${"%.0f".format(total / handPar)}/s, ratio ${"%.2f".format(handPar / libPar)} (>1: oauth2kit faster)")
    }

    @Test
    fun `cached token from the session - cost of one call across JNA`() = runBlocking {
        val session = Session(Clients.basic(), config = SessionConfig(clientCredentials = true, scope = "read"))
        val token = session.accessToken()
        val n = rounds * 20
        repeat(1000) { session.cached() }
        val cachedSync = micros(n) { assertEquals(token, session.cached()!!.accessToken) }
        val suspendCall = micros(n) { runBlocking { session.accessToken() } }
        val field = micros(n) { assertEquals(token, token.toString()) }
        val trivial = micros(n) { libraryVersion() }
        println("bench: session x$n: cached() ${"%.1f".format(cachedSync)} us, accessToken() (suspend) " +
            "${"%.1f".format(suspendCall)} us, a trivial FFI call ${"%.1f".format(trivial)} us, a Kotlin field ${"%.3f".format(field)} us")
    }
}

package oauth2kit

import kotlinx.coroutines.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.assertTimeoutPreemptively
import java.time.Duration

/** Suspended calls are cancellable, and the library serves many coroutines at once. */
class CancellationTest {
    @AfterEach
    fun clearFaults() = DevServer.reset()

    // The server holds the request for 30 s; each test is guarded at 20 s, so a call
    // that waited for the answer instead of being cancelled fails the test.
    private val slow = 30_000L
    private val guard = Duration.ofSeconds(20)

    @Test
    fun `withTimeout cancels a suspended token request`() = assertTimeoutPreemptively(guard) {
        DevServer.fault("token", delayMs = slow)
        val client = Clients.basic()
        runBlocking {
            assertThrows<TimeoutCancellationException> {
                runBlocking { withTimeout(300) { client.clientCredentials() } }
            }
            // The client is still usable afterwards (the fault fired once).
            assertTrue(client.clientCredentials().accessToken.isNotEmpty())
        }
    }

    @Test
    fun `cancelling the job of an in-flight request`() = assertTimeoutPreemptively(guard) {
        DevServer.fault("token", delayMs = slow)
        val client = Clients.basic()
        val before = DevServer.count("token")
        runBlocking {
            val job = launch(Dispatchers.IO) { client.clientCredentials() }
            // Wait until the request has reached the server, so the cancel hits it in flight.
            while (DevServer.count("token") == before) delay(20)
            job.cancelAndJoin()
            assertTrue(job.isCancelled)
        }
    }

    @Test
    fun `many coroutines share one client`() = runBlocking {
        val client = Clients.basic()
        val tokens = (1..40).map { async(Dispatchers.IO) { client.clientCredentials() } }.awaitAll()
        assertEquals(40, tokens.map { it.accessToken }.toSet().size)
    }
}

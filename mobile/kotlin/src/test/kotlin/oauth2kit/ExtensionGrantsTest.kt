package oauth2kit

import kotlinx.coroutines.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.assertTimeoutPreemptively
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList

/** Device authorization (with progress and cancellation), token exchange, JWT bearer. */
class ExtensionGrantsTest {
    @AfterEach
    fun restore() {
        DevServer.reset()
        DevServer.configureDevice(intervalSeconds = 5, expiresInSeconds = 600)
    }

    private val guard = Duration.ofSeconds(30)

    private fun deviceClient() = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(
        deviceAuthorizationUrl = "${DevServer.url}/device_authorization"))

    /** Records events; approves the user code on the first wait, as a person with a phone would. */
    private class Recorder(val onFirstWait: () -> Unit = {}) : PollObserver {
        val events = CopyOnWriteArrayList<PollEvent>()
        override fun onEvent(event: PollEvent) {
            events.add(event)
            if (events.size == 1) onFirstWait()
        }
    }

    @Test
    fun `device flow with progress callback`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 60)
        runBlocking {
            val client = deviceClient()
            val auth = client.deviceAuthorization("read")
            assertTrue(auth.userCode().isNotEmpty())
            assertTrue(auth.verificationUri().startsWith(DevServer.url))
            assertEquals(1L, auth.intervalSeconds())
            assertFalse(auth.toString().contains("device_code"))

            DevServer.forceNextDeviceAnswer("slow_down")
            val recorder = Recorder { DevServer.approveDevice(auth.userCode()) }
            val tokens = client.pollDeviceToken(auth, recorder)
            assertEquals("read", tokens.scope)
            val first = recorder.events.first() as PollEvent.Waiting
            assertEquals(1u, first.attempt)
            assertEquals(1.0, first.intervalSeconds)  // seconds, as a Double everywhere
            assertTrue(recorder.events.any { it is PollEvent.SlowDown && it.intervalSeconds == 6.0 }, recorder.events.toString())
            // fields(): the same values by name, for Swift (see ErrorsTest).
            assertEquals(PollEventFields(attempt = 1u, intervalSeconds = 1.0, remainingSeconds = first.remainingSeconds,
                retryInSeconds = null), first.fields())
            val slow = recorder.events.first { it is PollEvent.SlowDown }.fields()
            assertEquals(PollEventFields(attempt = null, intervalSeconds = 6.0, remainingSeconds = null, retryInSeconds = null), slow)
        }
    }

    @Test
    fun `device flow denied by the user`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 60)
        val client = deviceClient()
        val auth = runBlocking { client.deviceAuthorization() }
        DevServer.approveDevice(auth.userCode(), approve = false)
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { client.pollDeviceToken(auth) } }
        assertEquals("access_denied", e.error)
    }

    @Test
    fun `device flow expires`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 2)
        val client = deviceClient()
        val auth = runBlocking { client.deviceAuthorization() }
        val e = assertThrows<OAuth2KitException.Expired> { runBlocking { client.pollDeviceToken(auth) } }
        assertEquals(14, e.code())
    }

    @Test
    fun `device flow cancelled with a handle`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 60)
        val client = deviceClient()
        val auth = runBlocking { client.deviceAuthorization() }
        val cancel = CancelHandle()
        val recorder = Recorder { cancel.cancel() }
        val e = assertThrows<OAuth2KitException.Cancelled> { runBlocking { client.pollDeviceToken(auth, recorder, cancel) } }
        assertEquals(13, e.code())
        assertTrue(cancel.isCancelled())
    }

    @Test
    fun `device flow cancelled with the coroutine`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 60)
        val client = deviceClient()
        runBlocking {
            val auth = client.deviceAuthorization()
            val job = launch(Dispatchers.IO) { client.pollDeviceToken(auth) }
            delay(100)
            job.cancelAndJoin()
            assertTrue(job.isCancelled)
        }
    }

    @Test
    fun `an observer that throws does not stop the flow`() = assertTimeoutPreemptively(guard) {
        DevServer.configureDevice(intervalSeconds = 1, expiresInSeconds = 60)
        val client = deviceClient()
        runBlocking {
            val auth = client.deviceAuthorization()
            DevServer.approveDevice(auth.userCode())
            val tokens = client.pollDeviceToken(auth, object : PollObserver {
                override fun onEvent(event: PollEvent) = throw IllegalStateException("UI gone")
            })
            assertTrue(tokens.accessToken.isNotEmpty())
        }
    }

    @Test
    fun `CIBA poll mode`() = assertTimeoutPreemptively(guard) {
        DevServer.configureCiba(intervalSeconds = 1, expiresInSeconds = 60)
        try {
            val client = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(
                backchannelAuthenticationUrl = "${DevServer.url}/bc-authorize"))
            runBlocking {
                val auth = client.cibaAuthorization(CibaRequest(loginHint = "alice", bindingMessage = "A1B2", scope = "read"))
                assertFalse(auth.toString().contains(auth.authReqId()))
                val recorder = Recorder { DevServer.approveCiba(auth.authReqId()) }
                val tokens = client.pollCibaToken(auth, recorder)
                assertTrue(tokens.scope!!.split(" ").contains("read"), tokens.scope)
                assertTrue(recorder.events.isNotEmpty())
            }
            // Exactly one hint is required: refused before any request.
            assertThrows<OAuth2KitException.Config> { runBlocking { client.cibaAuthorization(CibaRequest(scope = "read")) } }
        } finally {
            DevServer.configureCiba(intervalSeconds = 5, expiresInSeconds = 300)
        }
        Unit
    }

    @Test
    fun `token exchange`() = runBlocking {
        val client = Clients.basic()
        val user = client.password("alice", "wonderland", "read write")
        val exchanged = client.tokenExchange(TokenExchangeRequest(
            subjectToken = user.accessToken,
            subjectTokenType = "urn:ietf:params:oauth:token-type:access_token",
            requestedTokenType = "urn:ietf:params:oauth:token-type:access_token",
            scope = "read",
        ))
        assertEquals("read", exchanged.scope)
        assertTrue(exchanged.extraJson.contains("urn:ietf:params:oauth:token-type:access_token"), exchanged.extraJson)
        assertFalse(TokenExchangeRequest(subjectToken = "SUBJECT", subjectTokenType = "t").toString().contains("SUBJECT"))
        // actor_token without its type is refused before any request.
        assertThrows<OAuth2KitException.Config> { runBlocking {
            client.tokenExchange(TokenExchangeRequest(subjectToken = "x", subjectTokenType = "t", actorToken = "y"))
        } }
        Unit
    }

    @Test
    fun `SAML 2 bearer`() = runBlocking {
        val xml = """<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">""" +
            "<saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject>" +
            "</saml:Assertion>"
        val tokens = Clients.basic().saml2Bearer(saml2Encode(xml), "read")
        assertEquals("read", tokens.scope)
        // Padding is not base64url as §2.1 requires: refused before any request.
        assertThrows<OAuth2KitException.Config> { runBlocking { Clients.basic().saml2Bearer("abc=") } }
        Unit
    }

    @Test
    fun `JWT bearer with an assertion signed on the device, and a given one refused`() = runBlocking {
        val client = Clients.basic()
        val tokens = client.jwtBearerSigned(SignedAssertion(
            privateKeyPem = DevServer.keyPem("rsa-client"),
            issuer = "rsa-client",
            subject = "bob",
            audience = "${DevServer.url}/token",
        ), "read")
        assertEquals("read", tokens.scope)
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { client.jwtBearer("not.a.jwt") } }
        assertEquals("invalid_grant", e.error)
    }
}

package oauth2kit

import kotlinx.coroutines.*
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/**
 * A Kotlin TokenStore, as an app writes one over EncryptedSharedPreferences
 * (here a map guarded by a lock; the library calls it from its own threads).
 */
class PrefsStore : TokenStore {
    @Volatile var json: String? = null
    val saves = AtomicInteger()
    var failSaves = false
    var failLoads = false
    override fun load(): String? {
        if (failLoads) throw java.io.IOException("keystore locked")
        return json
    }
    override fun save(tokensJson: String) {
        if (failSaves) throw OAuth2KitException.Store("disk full")
        synchronized(this) { json = tokensJson; saves.incrementAndGet() }
    }
    override fun clear() { json = null }
}

class SessionTest {
    @AfterEach
    fun clearFaults() = DevServer.reset()

    private suspend fun signIn(client: OAuthClient): TokenSet {
        val request = client.authorizationRequest()
        return client.handleRedirect(request.pending, DevServer.authorize(request.url))
    }

    @Test
    fun `single flight - forty callers, one refresh, saved once to the Kotlin store`() = runBlocking {
        val client = Clients.public()
        val store = PrefsStore()
        val changes = CopyOnWriteArrayList<TokenSet>()
        val session = Session(client, store, object : TokenObserver {
            override fun onTokensChanged(tokens: TokenSet) { changes.add(tokens) }
        })
        val first = signIn(client)
        session.setTokens(first)
        assertEquals(1, store.saves.get())
        assertEquals(first.accessToken, session.accessToken()) // cached: no request

        session.invalidate() // as after a 401
        val before = DevServer.count("token")
        val tokens = (1..40).map { async(Dispatchers.IO) { session.accessToken() } }.awaitAll()
        assertEquals(before + 1, DevServer.count("token"), "one refresh for forty callers")
        assertEquals(1, tokens.toSet().size)
        assertNotEquals(first.accessToken, tokens[0])
        assertEquals(2, store.saves.get())
        assertEquals(tokens[0], tokenSetFromJson(store.json!!).accessToken)
        assertEquals(tokens[0], changes.last().accessToken)
        val header = session.authorizationHeader()
        assertEquals("Bearer ${tokens[0]}", header.value)
    }

    @Test
    fun `a new session loads the store without a request`() = runBlocking {
        val client = Clients.public()
        val store = PrefsStore()
        Session(client, store).setTokens(signIn(client))
        val before = DevServer.count("token")
        val restored = Session(client, store)
        assertNull(restored.cached()) // not loaded until asked
        assertEquals(tokenSetFromJson(store.json!!).accessToken, restored.accessToken())
        assertEquals(before, DevServer.count("token"))
    }

    @Test
    fun `expired tokens are refreshed before they are handed out`() = runBlocking {
        DevServer.setTokenLifetime(30)
        try {
            val client = Clients.public()
            val store = PrefsStore()
            // A 60 s margin on a 30 s token: due at once.
            val session = Session(client, store, config = SessionConfig(refreshMargin = 60.0))
            val first = signIn(client)
            session.setTokens(first)
            val before = DevServer.count("token")
            assertNotEquals(first.accessToken, session.accessToken())
            assertEquals(before + 1, DevServer.count("token"))
        } finally {
            DevServer.setTokenLifetime(3600)
        }
    }

    @Test
    fun `client credentials session fetches by itself`() = runBlocking {
        val session = Session(Clients.basic(), config = SessionConfig(clientCredentials = true, scope = "read"))
        val t = session.tokens()
        assertEquals("read", t.scope)
        assertEquals(t.accessToken, session.cached()!!.accessToken)
        assertTrue(session.onUnauthorized(t.accessToken))
        assertFalse(session.onUnauthorized("some-other-token"))
        assertNotEquals(t.accessToken, session.accessToken())
    }

    @Test
    fun `a dead refresh token asks for re-authorization`() = runBlocking {
        val client = Clients.public()
        val tokens = signIn(client)
        client.revoke(tokens.refreshToken!!, TokenTypeHint.REFRESH_TOKEN)
        val session = Session(client, PrefsStore(), initialTokens = tokens)
        session.invalidate()
        assertThrows<OAuth2KitException.ReauthorizationRequired> { runBlocking { session.accessToken() } }
        Unit
    }

    @Test
    fun `store failures surface as Store errors, the new tokens are kept`() = runBlocking {
        val client = Clients.public()
        val store = PrefsStore().apply { failSaves = true }
        val session = Session(client, store)
        val tokens = signIn(client)
        val e = assertThrows<OAuth2KitException.Store> { runBlocking { session.setTokens(tokens) } }
        assertTrue(e.detail.contains("disk full"), e.detail)
        assertEquals(tokens.accessToken, session.cached()?.accessToken) // never dropped

        val broken = PrefsStore().apply { failLoads = true }
        val e2 = assertThrows<OAuth2KitException.Store> { runBlocking { Session(client, broken).accessToken() } }
        assertTrue(e2.detail.contains("keystore locked"), e2.detail)
        assertEquals(12, e2.code())
    }

    @Test
    fun `sign-out clears the store`() = runBlocking {
        val client = Clients.public()
        val store = PrefsStore()
        val session = Session(client, store)
        session.setTokens(signIn(client))
        assertNotNull(store.json)
        session.clear()
        assertNull(store.json)
        assertNull(session.cached())
    }

    @Test
    fun `tokens given to a session are in the store when the constructor returns`() = runBlocking {
        val client = Clients.public()
        val store = PrefsStore()
        val tokens = signIn(client)
        Session(client, store, initialTokens = tokens)
        assertEquals(tokens.refreshToken, tokenSetFromJson(store.json!!).refreshToken)
    }

    @Test
    fun `a store holding garbage costs one Store error, then a session with a grant starts over`() = runBlocking {
        val store = PrefsStore().apply { json = "{\"version\":1,\"tok" }
        val session = Session(Clients.basic(), store, config = SessionConfig(clientCredentials = true))
        val e = assertThrows<OAuth2KitException.Store> { runBlocking { session.accessToken() } }
        assertEquals(12, e.code())
        val fresh = session.accessToken()
        assertEquals(fresh, tokenSetFromJson(store.json!!).accessToken)
    }

    @Test
    fun `a restored session never falls back to client credentials by itself`() = runBlocking {
        val client = Clients.basic()
        val store = PrefsStore()
        val tokens = client.password("alice", "wonderland", null)
        client.revoke(tokens.refreshToken!!, TokenTypeHint.REFRESH_TOKEN)
        val session = Session(client, store, initialTokens = tokens, config = SessionConfig(refreshMargin = 1e6))
        val before = DevServer.count("token")
        assertThrows<OAuth2KitException.ReauthorizationRequired> { runBlocking { session.accessToken() } }
        assertEquals(before + 1, DevServer.count("token")) // the refresh only
    }

    @Test
    fun `session options are the binding layer's - bad values name the option`() = runBlocking {
        val e = assertThrows<OAuth2KitException.Config> {
            Session(Clients.basic(), config = SessionConfig(retryDeadline = -1.0))
        }
        assertTrue(e.toString().contains("retry_deadline"), e.toString())
        val both = assertThrows<OAuth2KitException.Config> {
            Session(Clients.basic(), config = SessionConfig(clientCredentials = true, jwtBearerAssertion = "a.b.c"))
        }
        assertTrue(both.toString().contains("not both"), both.toString())
        assertFalse(SessionConfig(jwtBearerPrivateKeyPem = "secret-pem").toString().contains("secret-pem"))
    }
}

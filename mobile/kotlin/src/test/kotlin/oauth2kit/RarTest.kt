package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Rich authorization requests (RFC 9396) from Kotlin against the devserver:
 * the client option, a call's own details, the granted details read back,
 * typed errors.
 */
class RarTest {
    private val payment = """[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"7.50"}}]"""

    @Test
    fun `client credentials carry the details and the grant is read back`() = runBlocking<Unit> {
        val client = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(authorizationDetails = payment))
        val tokens = client.clientCredentials()
        val granted = tokenSetAuthorizationDetails(tokens)
        assertNotNull(granted)
        assertTrue(granted!!.contains("\"payment_initiation\"") && granted.contains("\"7.50\""), granted)
        // Kept through the store format.
        assertEquals(granted, tokenSetAuthorizationDetails(tokenSetFromJson(tokenSetToJson(tokens))))
        assertNull(tokenSetAuthorizationDetails(Clients.basic().clientCredentials()))
    }

    @Test
    fun `the code flow grants a call's own details`() = runBlocking<Unit> {
        val client = OAuthClient(
            Clients.standard("basic-client", Clients.BASIC_SECRET, redirect = "http://127.0.0.1:41999/callback")
                .copy(authorizationDetails = payment)
        )
        val request = client.authorizationRequest(
            AuthorizeOptions(extra = listOf(Parameter("authorization_details", """[{"type":"account_information","actions":["read"]}]""")))
        )
        assertFalse(request.url.contains("payment_initiation"))
        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        val granted = tokenSetAuthorizationDetails(tokens)!!
        assertTrue(granted.contains("account_information") && !granted.contains("payment_initiation"), granted)
    }

    @Test
    fun `unknown types and malformed details are typed errors`() = runBlocking<Unit> {
        val unknown = OAuthClient(
            Clients.standard("basic-client", Clients.BASIC_SECRET).copy(authorizationDetails = """[{"type":"crypto_swap"}]""")
        )
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { unknown.clientCredentials() } }
        assertEquals("invalid_authorization_details", e.error)
        val bad = assertThrows<OAuth2KitException.Config> {
            OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(authorizationDetails = """{"type":"x"}"""))
        }
        assertTrue(bad.message!!.contains("authorization_details"), bad.message)
    }
}

/** JWT-secured authorization requests (RFC 9101) from Kotlin against the devserver. */
class RequestObjectTest {
    @Test
    fun `the authorization request travels as a signed request object`() = runBlocking<Unit> {
        val config = Clients.standard("rsa-client", pem = DevServer.keyPem("rsa-client"), redirect = "http://127.0.0.1:41999/callback")
            .copy(requestObject = true)
        val client = OAuthClient(config)
        val request = client.authorizationRequest(AuthorizeOptions(scope = "read"))
        assertTrue(request.url.contains("&request=ey"), request.url)
        assertFalse(request.url.contains("state="), request.url)
        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        assertEquals("read", tokens.scope)
        val e = assertThrows<OAuth2KitException.Config> {
            OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET).copy(requestObject = true))
        }
        assertTrue(e.message!!.contains("private key"), e.message)
    }
}

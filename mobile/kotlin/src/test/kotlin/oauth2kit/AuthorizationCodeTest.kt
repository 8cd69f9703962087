package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The authorization code flow end to end over HTTP, as an app does it with a browser tab. */
class AuthorizationCodeTest {
    @Test
    fun `public client with custom scheme redirect, PKCE and state`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest(AuthorizeOptions(scope = "read write"))
        // What the app opens in Custom Tabs / ASWebAuthenticationSession.
        assertEquals("S256", queryParam(request.url, "code_challenge_method"))
        assertEquals(Clients.CUSTOM_SCHEME, queryParam(request.url, "redirect_uri"))
        assertEquals(request.pending.state(), queryParam(request.url, "state"))
        assertTrue(request.pending.state().length >= 32)

        val redirect = DevServer.authorize(request.url)
        assertTrue(redirect.startsWith(Clients.CUSTOM_SCHEME + "?"), redirect)

        val tokens = client.handleRedirect(request.pending, redirect)
        assertTrue(tokens.accessToken.isNotEmpty())
        assertNotNull(tokens.refreshToken)
        assertEquals("read write", tokens.scope)
        assertTrue(tokens.tokenType.equals("bearer", ignoreCase = true))
        assertNotNull(tokens.expiresAt)
        assertFalse(tokenSetIsExpired(tokens, 0))

        // The token works at the protected resource with the header the profile says.
        val header = client.authorizationHeader(tokens)
        assertEquals("Authorization", header.name)
        assertEquals("Bearer ${tokens.accessToken}", header.value)
    }

    @Test
    fun `the same code cannot be redeemed twice`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest()
        val redirect = DevServer.authorize(request.url)
        client.handleRedirect(request.pending, redirect)
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { client.handleRedirect(request.pending, redirect) } }
        assertEquals("invalid_grant", e.error)
        assertEquals(400, e.status)
    }

    @Test
    fun `pending authorization survives process death as JSON`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest()
        val saved = request.pending.toJson()
        val restored = PendingAuthorization.fromJson(saved)
        assertEquals(request.pending.state(), restored.state())
        val tokens = client.handleRedirect(restored, DevServer.authorize(request.url))
        assertTrue(tokens.accessToken.isNotEmpty())
        assertThrows<OAuth2KitException.Config> { PendingAuthorization.fromJson("{not json") }
        Unit
    }

    @Test
    fun `confidential client with loopback redirect and the RFC 6749 basic encoding`() = runBlocking {
        val client = OAuthClient(Clients.standard("basic-client", Clients.BASIC_SECRET, redirect = "http://127.0.0.1:41999/callback"))
        val request = client.authorizationRequest()
        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        assertEquals("read", tokens.scope)
    }

    @Test
    fun `exchange code extracted by the app`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest()
        val redirect = DevServer.authorize(request.url)
        val tokens = client.exchangeCode(request.pending, queryParam(redirect, "code")!!)
        assertTrue(tokens.accessToken.isNotEmpty())
    }

    @Test
    fun `refresh, introspect, revoke`() = runBlocking {
        val client = Clients.basic()
        val request = client.authorizationRequest(AuthorizeOptions(scope = "read write"))
        val first = client.handleRedirect(request.pending, DevServer.authorize(request.url))

        val refreshed = client.refresh(first.refreshToken!!)
        assertNotEquals(first.accessToken, refreshed.accessToken)
        assertNotNull(refreshed.refreshToken)
        val narrowed = client.refresh(refreshed.refreshToken!!, scope = "read")
        assertEquals("read", narrowed.scope)

        val info = client.introspect(narrowed.accessToken, TokenTypeHint.ACCESS_TOKEN)
        assertTrue(info.active)
        assertEquals("basic-client", info.clientId)
        assertEquals("read", info.scope)

        client.revoke(narrowed.accessToken, TokenTypeHint.ACCESS_TOKEN)
        assertFalse(client.introspect(narrowed.accessToken).active)
    }

    @Test
    fun `user denies access`() = runBlocking {
        val client = Clients.public()
        val request = client.authorizationRequest(AuthorizeOptions(extra = listOf(Parameter("login_hint", "deny"))))
        val e = assertThrows<OAuth2KitException.OAuth> {
            runBlocking { client.handleRedirect(request.pending, DevServer.authorize(request.url)) }
        }
        assertEquals("access_denied", e.error)
        assertNull(e.status) // it came through the redirect, not an HTTP answer
    }

    @Test
    fun `discovery reads the endpoints from the issuer`() = runBlocking {
        val client = OAuthClient.discover(ClientConfig(clientId = "public-client", issuer = DevServer.url,
            redirectUri = Clients.CUSTOM_SCHEME))
        val request = client.authorizationRequest()
        assertTrue(request.url.startsWith(DevServer.url + "/authorize?"), request.url)
        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        assertTrue(tokens.accessToken.isNotEmpty())
    }

    @Test
    fun `OpenID Connect - the ID token is validated with the JWKS, claims and UserInfo readable`() = runBlocking {
        val config = Clients.standard("public-client").copy(
            jwksUri = "${DevServer.url}/jwks",
            userinfoUrl = "${DevServer.url}/userinfo",
            clockSkew = 30.0,
        )
        val client = OAuthClient(config)
        val request = client.authorizationRequest(AuthorizeOptions(scope = "openid read"))
        val tokens = client.handleRedirect(request.pending, DevServer.authorize(request.url))
        val claims = tokens.idTokenClaimsJson!!
        assertTrue(claims.contains("\"aud\":\"public-client\""), claims)
        assertTrue(client.userinfo(tokens).contains("\"sub\""))
        val posts = DevServer.count("userinfo/post")
        val byPost = OAuthClient(config.copy(userinfoPost = true))
        assertTrue(byPost.userinfo(tokens).contains("\"sub\""))
        assertEquals(posts + 1, DevServer.count("userinfo/post"))
        val logout = OAuthClient(config.copy(endSessionUrl = "https://op.example/logout"))
            .endSessionUrl(tokens.idToken, null, "s1")
        assertTrue(logout.startsWith("https://op.example/logout?id_token_hint="), logout)
        assertTrue(logout.endsWith("&state=s1&client_id=public-client"), logout)
        // Keys that did not sign it: the exchange fails, naming the check.
        val wrongKeys = OAuthClient(config.copy(jwksUri = null, jwksJson = "{\"keys\":[]}"))
        val again = wrongKeys.authorizationRequest(AuthorizeOptions(scope = "openid read"))
        val e = assertThrows<OAuth2KitException.InvalidResponse> {
            runBlocking { wrongKeys.handleRedirect(again.pending, DevServer.authorize(again.url)) }
        }
        assertEquals(4, e.code())
    }

    @Test
    fun `OpenID Connect request parameters are sent and an essential acr is checked`() = runBlocking {
        val client = OAuthClient(Clients.standard("public-client").copy(jwksUri = "${DevServer.url}/jwks"))
        val strong = """{"id_token":{"acr":{"essential":true,"values":["urn:example:strong"]}}}"""
        // authorizationUrl / exchangeRedirect: the concept names every binding shares.
        val request = client.authorizationUrl(AuthorizeOptions(
            scope = "openid read", prompt = "login", maxAge = 300.0, loginHint = "alice@example.com",
            acrValues = listOf("urn:example:strong", "urn:example:weak"), uiLocales = listOf("de-CH", "en"),
            claimsJson = strong,
        ))
        assertEquals("login", queryParam(request.url, "prompt"))
        assertEquals("300", queryParam(request.url, "max_age"))
        assertEquals("alice@example.com", queryParam(request.url, "login_hint"))
        assertEquals("urn:example:strong urn:example:weak", queryParam(request.url, "acr_values"))
        assertEquals("de-CH en", queryParam(request.url, "ui_locales"))
        assertEquals(strong, queryParam(request.url, "claims"))
        DevServer.idTokenClaims("""{"acr":"urn:example:weak"}""")
        try {
            val e = assertThrows<OAuth2KitException.InvalidResponse> {
                runBlocking { client.exchangeRedirect(request.pending, DevServer.authorize(request.url)) }
            }
            assertTrue(e.message!!.contains("acr"), e.message)
        } finally {
            DevServer.idTokenClaims("{}")
        }
        assertThrows<OAuth2KitException.Config> {
            client.authorizationRequest(AuthorizeOptions(scope = "openid", prompt = "none login"))
        }
        assertThrows<OAuth2KitException.Config> {
            client.authorizationRequest(AuthorizeOptions(scope = "openid", claimsJson = "[1]"))
        }
        Unit
    }
}

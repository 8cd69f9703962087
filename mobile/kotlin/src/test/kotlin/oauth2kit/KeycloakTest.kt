package oauth2kit

import java.io.File
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Against Keycloak (tests/keycloak): client credentials with every client
 * authentication and the authorization code flow for a confidential client.
 * tests/keycloak/test.sh runs this class with the realm's values in the
 * environment (KC_*) and OAUTH2KIT_KEYCLOAK_REQUIRED=1, so a missing value
 * fails there; in the mobile suite (no Keycloak) it is skipped, saying why.
 * The login pages are driven by tests/keycloak/kc_user.py (the test-side user).
 */
class KeycloakTest {
    private fun env(name: String): String = System.getenv(name)?.takeIf { it.isNotBlank() }
        ?: error("$name is not set (run bash scripts/test.sh keycloak)")

    @BeforeEach
    fun keycloakIsThere() {
        if (System.getenv("OAUTH2KIT_KEYCLOAK_REQUIRED") == "1") {
            env("KC_ISSUER")
        } else {
            assumeTrue(System.getenv("KC_ISSUER") != null,
                "Keycloak is not running: this runs in the keycloak suite (bash scripts/test.sh keycloak)")
        }
    }

    private suspend fun client(clientId: String, secret: String? = null, method: AuthMethod? = null,
                               pem: String? = null, kid: String? = null, alg: String? = null) = OAuthClient.discover(ClientConfig(
        clientId = clientId,
        clientSecret = secret,
        authMethod = method,
        discoveryIssuer = env("KC_ISSUER"),
        privateKeyPem = pem,
        privateKeyId = kid,
        privateKeyAlgorithm = alg,
        redirectUri = env("KC_REDIRECT"),
    ))

    private fun key(name: String) = File(env("KC_KEYS_DIR"), name).readText()

    @Test
    fun `client credentials with basic, post, private_key_jwt RS256 and ES256`() = runBlocking {
        assertTrue(env("KC_BASIC_SECRET").contains("+/&=:%"))
        val clients = mapOf(
            "basic-client" to client("basic-client", env("KC_BASIC_SECRET"), AuthMethod.CLIENT_SECRET_BASIC),
            "post-client" to client("post-client", env("KC_POST_SECRET"), AuthMethod.CLIENT_SECRET_POST),
            "rsa-client" to client("rsa-client", pem = key("rsa-client.pem"), kid = "rsa-client"),
            "ec-client" to client("ec-client", pem = key("ec-client.pem"), kid = "ec-client", alg = "ES256"),
        )
        for ((id, c) in clients) {
            val tokens = c.clientCredentials()
            assertTrue(tokens.accessToken.isNotEmpty(), id)
            val info = c.introspect(tokens.accessToken, TokenTypeHint.ACCESS_TOKEN)
            assertTrue(info.active, id)
            assertEquals(id, info.clientId)
        }
        val bad = client("basic-client", "Xq7-not-it")
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { bad.clientCredentials() } }
        assertEquals("unauthorized_client", e.error)
        assertFalse(e.toString().contains("Xq7"))
    }

    @Test
    fun `authorization code with PKCE for a confidential client, ID token and userinfo`() = runBlocking {
        val c = client("basic-client", env("KC_BASIC_SECRET"))
        val request = c.authorizationRequest(AuthorizeOptions(scope = "openid email"))
        assertTrue(request.url.contains("code_challenge_method=S256"))
        val redirect = login(request.url)
        assertTrue(redirect.startsWith(env("KC_REDIRECT")), redirect)
        val tokens = c.handleRedirect(request.pending, redirect)
        val claims = tokens.idTokenClaimsJson
        assertNotNull(claims)
        assertTrue(claims!!.contains("\"azp\":\"basic-client\""), claims)
        assertTrue(c.userinfo(tokens).contains("alice@example.test"))
        val e = assertThrows<OAuth2KitException.OAuth> { runBlocking { c.handleRedirect(request.pending, redirect) } }
        assertEquals("invalid_grant", e.error)
    }

    /** kc_user.py signs in on Keycloak's login page and prints the redirect to the client. */
    private fun login(url: String): String {
        val p = ProcessBuilder("python3", env("KC_USER_PY"), "login", url, env("KC_USER"), env("KC_PASSWORD"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val out = p.inputStream.bufferedReader().readText().trim()
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kc_user.py did not finish")
        assertEquals(0, p.exitValue(), "kc_user.py failed")
        return out
    }
}

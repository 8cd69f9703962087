package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.nio.file.Files

/**
 * Mutual TLS (RFC 8705) from Kotlin against a devserver over HTTPS, started
 * here (`oauth2kit.devserver.bin`) with its throw-away CA and client
 * certificates written to a temporary directory: tls_client_auth signs in by
 * client credentials at the discovered mTLS aliases, the token is bound to the
 * certificate (introspection's cnf, UserInfo over the same certificate), the
 * same token over no certificate is refused (invalid_token), the wrong
 * certificate is refused by the server (invalid_client), and an mTLS method
 * without a certificate is a configuration error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MtlsTest {
    private val dir: File = Files.createTempDirectory("oauth2kit-mtls").toFile()
    private val process: Process
    private val url: String

    init {
        val bin = System.getProperty("oauth2kit.devserver.bin") ?: error("oauth2kit.devserver.bin is not set")
        process = ProcessBuilder(
            bin, "--port", "0", "--exit-on-stdin-eof",
            "--tls-ca-out", File(dir, "ca.pem").path, "--tls-client-cert-out", dir.path,
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        url = process.inputStream.bufferedReader().readLine() ?: error("the HTTPS devserver printed no URL")
        check(url.startsWith("https://")) { "not an HTTPS URL: $url" }
    }

    @AfterAll
    fun stop() {
        process.outputStream.close() // --exit-on-stdin-eof
        process.waitFor()
        dir.deleteRecursively()
    }

    private fun pem(name: String) = File(dir, name).readText()

    private fun config(clientId: String, method: AuthMethod? = null, cert: String? = null, key: String? = null) =
        ClientConfig(
            clientId = clientId,
            discoveryIssuer = url,
            caCertificatesPem = listOf(pem("ca.pem")),
            authMethod = method,
            tlsClientCertificate = cert,
            tlsClientKey = key,
        )

    private inline fun <reified E : OAuth2KitException> fails(crossinline block: suspend () -> Unit): E =
        assertThrows<E> { runBlocking { block() } }

    @Test
    fun `tls_client_auth gets a certificate-bound token that works over the certificate only`() = runBlocking<Unit> {
        val client = OAuthClient.discover(
            config("mtls-client", AuthMethod.TLS_CLIENT_AUTH, pem("mtls-client.crt.pem"), pem("mtls-client.key.pem"))
        )
        val tokens = client.clientCredentials("read")
        assertEquals("Bearer", tokens.tokenType)
        val info = client.introspect(tokens.accessToken)
        assertTrue(info.active)
        assertTrue(Regex("\"x5t#S256\":\"[A-Za-z0-9_-]{43}\"").containsMatchIn(info.extraJson), info.extraJson)
        assertTrue(client.userinfo(tokens).contains("\"sub\":\"mtls-client\""))
        val noCert = OAuthClient.discover(config("public-client"))
        val refused = fails<OAuth2KitException.OAuth> { noCert.userinfo(tokens) }
        assertEquals("invalid_token", refused.error)
    }

    @Test
    fun `self_signed_tls_client_auth succeeds and the wrong certificate is refused`() = runBlocking<Unit> {
        val ssCert = pem("self-signed-client.crt.pem")
        val ssKey = pem("self-signed-client.key.pem")
        val ss = OAuthClient.discover(config("self-signed-client", AuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH, ssCert, ssKey))
        assertTrue(ss.userinfo(ss.clientCredentials()).contains("\"sub\":\"self-signed-client\""))
        // The self-signed certificate under mtls-client's id: not one the CA issued.
        val wrong = OAuthClient.discover(config("mtls-client", AuthMethod.TLS_CLIENT_AUTH, ssCert, ssKey))
        assertEquals("invalid_client", fails<OAuth2KitException.OAuth> { wrong.clientCredentials() }.error)
    }

    @Test
    fun `an mTLS method without a certificate is a configuration error`() {
        val e = assertThrows<OAuth2KitException.Config> {
            OAuthClient(ClientConfig(clientId = "mtls-client", tokenUrl = "$url/token", authMethod = AuthMethod.TLS_CLIENT_AUTH))
        }
        assertTrue(e.message!!.contains("client certificate"), e.message)
    }
}

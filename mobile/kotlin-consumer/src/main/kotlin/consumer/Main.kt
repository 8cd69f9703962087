// A consumer of the installed dev.oauth2kit:oauth2kit-kotlin artifact: gets a
// token from the devserver by the client credentials grant, has the server
// confirm it by introspection, and checks the native library came out of the
// jar. Exits 1, saying why, when any of that fails (mobile/test.sh relies on it).
package consumer

import com.sun.jna.Library
import com.sun.jna.NativeLibrary
import kotlinx.coroutines.runBlocking
import oauth2kit.ClientConfig
import oauth2kit.OAuth2KitException
import oauth2kit.OAuthClient
import kotlin.system.exitProcess

private fun fail(why: String): Nothing {
    System.err.println("consumer: FAILED: $why")
    exitProcess(1)
}

fun main(args: Array<String>) {
    val url = args.firstOrNull()?.takeIf { it.isNotBlank() }
        ?: fail("no devserver URL (run: mvn exec:exec -Doauth2kit.devserver.url=http://127.0.0.1:PORT)")
    // A library path would let JNA find the library outside the jar and hide a broken artifact.
    System.getProperty("jna.library.path")?.let { fail("jna.library.path is set ($it): the library must load from the jar") }

    val config = ClientConfig(
        clientId = "basic-client",                 // a client the devserver registers
        clientSecret = "basic secret+/&=:%",
        tokenUrl = "$url/token",
        introspectionUrl = "$url/introspect",
    )
    try {
        OAuthClient(config).use { client ->
            val tokens = runBlocking { client.clientCredentials("read") }
            if (tokens.accessToken.isEmpty()) fail("the grant returned an empty access token")
            if (tokens.scope != "read") fail("granted scope ${tokens.scope}, asked for read")
            val info = runBlocking { client.introspect(tokens.accessToken) }
            if (!info.active) fail("the devserver says the token it issued is not active")
            println("consumer: client credentials grant: ${tokens.tokenType} token, scope ${tokens.scope}, active per introspection")
        }
    } catch (e: OAuth2KitException) {
        fail("${e.codeName()}: ${e.message}")
    }

    // The same instance Native.register loaded (same name and options, so JNA's cache returns it).
    val lib = NativeLibrary.getInstance(
        "oauth2kit_mobile", mapOf(Library.OPTION_CLASSLOADER to OAuthClient::class.java.classLoader))
    val file = lib.file ?: fail("JNA does not say which file it loaded")
    // From a jar JNA extracts the resource to a temp file named jna…; a library found
    // on a path keeps its own name.
    if (!file.name.startsWith("jna")) fail("JNA loaded ${file.path}, not the copy extracted from the jar")
    println("consumer: native library extracted from the jar to ${file.path}")
}

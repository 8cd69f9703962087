package oauth2kit

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/**
 * The real devserver over loopback HTTP. test.sh starts it and passes its URL in
 * `oauth2kit.devserver.url`; run from an IDE, the binary named by
 * `oauth2kit.devserver.bin` is started here (and stops when the JVM's pipe closes).
 */
object DevServer {
    val url: String by lazy { System.getProperty("oauth2kit.devserver.url")?.takeIf { it.isNotBlank() } ?: spawn() }

    private var process: Process? = null

    private fun spawn(): String {
        val bin = System.getProperty("oauth2kit.devserver.bin") ?: error("no devserver URL and no binary given")
        check(File(bin).canExecute()) { "devserver binary not found at $bin (cargo build -p oauth2kit-devserver)" }
        val p = ProcessBuilder(bin, "--port", "0", "--exit-on-stdin-eof")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        process = p
        Runtime.getRuntime().addShutdownHook(Thread { p.destroy() })
        return p.inputStream.bufferedReader().readLine() ?: error("the devserver printed no URL")
    }

    // Never follows redirects: the tests read Location themselves, as an app's browser tab would.
    private val http: HttpClient = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build()

    /**
     * Sends once more when a pooled keep-alive connection turns out to be closed
     * by the server ("header parser received no bytes"): the request never
     * reached it. Only for these test-side calls, never for the library's.
     */
    private fun send(req: HttpRequest): HttpResponse<String> = try {
        http.send(req, HttpResponse.BodyHandlers.ofString())
    } catch (e: java.io.IOException) {
        http.send(req, HttpResponse.BodyHandlers.ofString())
    }

    fun get(target: String): HttpResponse<String> = send(HttpRequest.newBuilder(URI.create(target)).GET().build())

    private fun post(path: String, json: String): HttpResponse<String> {
        val req = HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build()
        val resp = send(req)
        check(resp.statusCode() == 200) { "control $path answered ${resp.statusCode()}: ${resp.body()}" }
        return resp
    }

    /** What the browser would be sent to after the (auto-approving) authorization page. */
    fun authorize(authorizationUrl: String): String {
        val resp = get(authorizationUrl)
        check(resp.statusCode() in 300..399) { "authorize answered ${resp.statusCode()}: ${resp.body()}" }
        return resp.headers().firstValue("location").orElseThrow()
    }

    fun reset() { post("/control/reset", "{}") }

    /** JARM knob: spoils JARM responses from now on (`signature`, `iss`, `aud`, `exp`, `alg_none`,
     *  `plain`, `encrypted`); null restores correct ones. */
    fun jarm(corrupt: String?) { post("/control/jarm", if (corrupt == null) "{}" else """{"corrupt":${q(corrupt)}}""") }

    /** Claims put into (or over) the ID tokens issued from now on (a JSON object). */
    fun idTokenClaims(claimsJson: String) { post("/control/id-token", """{"claims":$claimsJson}""") }

    /** Counts of requests per endpoint name (`token`, `desko/token`…). */
    fun count(endpoint: String): Int {
        val body = get("$url/control/counts").body()
        val m = Regex("\"" + Regex.escape(endpoint) + "\"\\s*:\\s*(\\d+)").find(body) ?: return 0
        return m.groupValues[1].toInt()
    }

    fun fault(endpoint: String, status: Int = 0, body: String = "", contentType: String = "application/json",
              delayMs: Long = 0, times: Int = 1, headers: List<Pair<String, String>> = emptyList()) {
        val hs = headers.joinToString(",") { "[${q(it.first)},${q(it.second)}]" }
        post("/control/fault", """{"endpoint":${q(endpoint)},"status":$status,"body":${q(body)},""" +
            """"content_type":${q(contentType)},"delay_ms":$delayMs,"times":$times,"headers":[$hs]}""")
    }

    fun setCallbackUri(clientId: String, uri: String) {
        post("/control/callback-uri", """{"client_id":${q(clientId)},"uri":${q(uri)}}""")
    }

    fun configureDevice(intervalSeconds: Long, expiresInSeconds: Long) {
        post("/control/device", """{"interval":$intervalSeconds,"expires_in":$expiresInSeconds}""")
    }

    /** Plays the user on the verification page. */
    fun approveDevice(userCode: String, approve: Boolean = true) {
        post("/device/approve", """{"user_code":${q(userCode)},"approve":$approve}""")
    }

    fun configureCiba(intervalSeconds: Long, expiresInSeconds: Long) {
        post("/control/ciba", """{"interval":$intervalSeconds,"expires_in":$expiresInSeconds}""")
    }

    fun approveCiba(authReqId: String, approve: Boolean = true) {
        post("/ciba/approve", """{"auth_req_id":${q(authReqId)},"approve":$approve}""")
    }

    /** Forces the next device poll's answer (e.g. `slow_down`). */
    fun forceNextDeviceAnswer(error: String) { post("/control/device-next", """{"error":${q(error)}}""") }

    fun setTokenLifetime(seconds: Long) { post("/control/token-lifetime", """{"seconds":$seconds}""") }

    /** A JSON string literal. */
    fun q(s: String): String = buildString {
        append('"')
        for (c in s) when (c) {
            '"' -> append("\\\""); '\\' -> append("\\\\"); '\n' -> append("\\n"); '\r' -> append("\\r")
            else -> if (c < ' ') append("\\u%04x".format(c.code)) else append(c)
        }
        append('"')
    }

    fun keyPem(name: String): String {
        val dir = System.getProperty("oauth2kit.keys.dir") ?: "../../devserver/keys"
        return File(dir, "$name.pem").readText()
    }
}

/** A query parameter of a URL (first value), decoded. */
fun queryParam(url: String, name: String): String? {
    val query = url.substringAfter('?', "").substringBefore('#')
    return query.split('&').map { it.split('=', limit = 2) }
        .firstOrNull { java.net.URLDecoder.decode(it[0], "UTF-8") == name }
        ?.let { java.net.URLDecoder.decode(it.getOrElse(1) { "" }, "UTF-8") }
}

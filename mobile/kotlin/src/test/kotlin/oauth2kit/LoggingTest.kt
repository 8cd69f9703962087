package oauth2kit

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.*
import org.junit.jupiter.api.Test
import java.util.concurrent.CopyOnWriteArrayList

/** The library's events reach the app's Logger, and never hold a secret. */
class LoggingTest {
    class ListLogger : Logger {
        val events = CopyOnWriteArrayList<Triple<LogLevel, String, String>>()
        override fun log(level: LogLevel, target: String, message: String) {
            events.add(Triple(level, target, message))
        }
    }

    @Test
    fun `events arrive at the logger without secrets`() = runBlocking {
        val logger = ListLogger()
        setLogger(LogLevel.DEBUG, logger)
        try {
            val tokens = Clients.basic().clientCredentials("read")
            val exchange = logger.events.firstOrNull { it.third.contains("POST") && it.third.contains("/token") }
            assertNotNull(exchange, logger.events.toString())
            assertEquals(LogLevel.DEBUG, exchange!!.first)
            assertTrue(exchange.second.startsWith("oauth2kit"), exchange.second)
            for ((_, _, message) in logger.events) {
                assertFalse(message.contains(tokens.accessToken), message)
                assertFalse(message.contains(Clients.BASIC_SECRET), message)
            }
            // Below the level: nothing.
            logger.events.clear()
            setLogger(LogLevel.ERROR, logger)
            Clients.basic().clientCredentials("read")
            assertTrue(logger.events.none { it.first == LogLevel.DEBUG })
        } finally {
            setLogger(LogLevel.OFF, null)
        }
    }
}

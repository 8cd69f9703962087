import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The real devserver over loopback HTTP: test.sh starts it and passes its URL
/// in OAUTH2KIT_DEVSERVER_URL.
enum DevServer {
    static let url: String = {
        guard let u = ProcessInfo.processInfo.environment["OAUTH2KIT_DEVSERVER_URL"], !u.isEmpty else {
            fatalError("set OAUTH2KIT_DEVSERVER_URL (mobile/test.sh does)")
        }
        return u
    }()

    /// Refuses every redirect, so the test reads Location as an app's browser tab would hand it over.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    private static let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    static func send(_ request: URLRequest) -> (Int, [AnyHashable: Any], String) {
        let done = DispatchSemaphore(value: 0)
        var result: (Int, [AnyHashable: Any], String) = (0, [:], "")
        session.dataTask(with: request) { data, response, _ in
            let http = response as? HTTPURLResponse
            result = (http?.statusCode ?? 0, http?.allHeaderFields ?? [:], String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    /// Where the auto-approving authorization endpoint sends the browser.
    static func authorize(_ authorizationUrl: String) -> String {
        let (status, headers, body) = send(URLRequest(url: URL(string: authorizationUrl)!))
        precondition((300..<400).contains(status), "authorize answered \(status): \(body)")
        for (k, v) in headers where (k as? String)?.lowercased() == "location" {
            return v as! String
        }
        fatalError("no Location")
    }

    static func control(_ path: String, _ json: [String: Any]) {
        var req = URLRequest(url: URL(string: url + path)!)
        req.httpMethod = "POST"
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        req.httpBody = try! JSONSerialization.data(withJSONObject: json)
        let (status, _, body) = send(req)
        precondition(status == 200, "control \(path) answered \(status): \(body)")
    }

    static func reset() { control("/control/reset", [:]) }

    static func count(_ endpoint: String) -> Int {
        let (_, _, body) = send(URLRequest(url: URL(string: url + "/control/counts")!))
        let counts = try! JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
        return (counts[endpoint] as? NSNumber)?.intValue ?? 0
    }

    static func fault(_ endpoint: String, status: Int = 0, body: String = "", contentType: String = "application/json",
                      delayMs: Int = 0, headers: [[String]] = []) {
        control("/control/fault", ["endpoint": endpoint, "status": status, "body": body,
                                   "content_type": contentType, "delay_ms": delayMs, "times": 1, "headers": headers])
    }

    static func keyPem(_ name: String) -> String {
        let dir = ProcessInfo.processInfo.environment["OAUTH2KIT_KEYS_DIR"] ?? "../../devserver/keys"
        return try! String(contentsOfFile: "\(dir)/\(name).pem", encoding: .utf8)
    }
}

func queryParam(_ url: String, _ name: String) -> String? {
    URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value
}

enum Clients {
    static let customScheme = "com.example.app:/oauth2redirect"
    static let basicSecret = "basic secret+/&=:%"

    static func standard(_ clientId: String, secret: String? = nil, pem: String? = nil,
                         authMethod: AuthMethod? = nil, timeout: Double? = nil) -> ClientConfig {
        // Labels in the record's declaration order (the binding layer's option table).
        ClientConfig(clientId: clientId, clientSecret: secret, authMethod: authMethod,
                     authorizationUrl: DevServer.url + "/authorize",
                     tokenUrl: DevServer.url + "/token", introspectionUrl: DevServer.url + "/introspect",
                     revocationUrl: DevServer.url + "/revoke",
                     deviceAuthorizationUrl: DevServer.url + "/device_authorization",
                     issuer: DevServer.url, redirectUri: customScheme, privateKeyPem: pem, timeout: timeout)
    }

    static func publicClient() throws -> OAuthClient { try OAuthClient(config: standard("public-client")) }
    static func basic() throws -> OAuthClient { try OAuthClient(config: standard("basic-client", secret: basicSecret)) }
}

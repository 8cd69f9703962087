import Foundation
import XCTest
@testable import OAuth2Kit

/// The same flows as the Kotlin suite, against the real devserver.
/// Not run on the build machines here (no Swift toolchain): see ../../README.md.
final class OAuth2KitTests: XCTestCase {
    override func tearDown() {
        DevServer.reset()
        super.tearDown()
    }

    /// Runs `body`, expecting it to throw an `OAuth2KitError`, and returns it.
    func expectError(_ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line) async -> OAuth2KitError? {
        do {
            try await body()
            XCTFail("expected an OAuth2KitError", file: file, line: line)
        } catch let e as OAuth2KitError {
            return e
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return nil
    }

    func testAuthorizationCodeWithCustomSchemeRedirect() async throws {
        let client = try Clients.publicClient()
        let request = try client.authorizationRequest(options: AuthorizeOptions(scope: "read write"))
        XCTAssertEqual(queryParam(request.url, "code_challenge_method"), "S256")
        XCTAssertEqual(queryParam(request.url, "state"), request.pending.state())
        let redirect = DevServer.authorize(request.url)
        XCTAssertTrue(redirect.hasPrefix(Clients.customScheme + "?"))

        let tokens = try await client.handleRedirect(pending: request.pending, redirectUrl: redirect)
        XCTAssertEqual(tokens.scope, "read write")
        XCTAssertNotNil(tokens.refreshToken)
        XCTAssertFalse(tokens.description.contains(tokens.accessToken))
        let header = try client.authorizationHeader(tokens: tokens)
        XCTAssertEqual(header.name, "Authorization")
        XCTAssertEqual(header.value, "Bearer \(tokens.accessToken)")

        // Refresh, introspect, revoke.
        let refreshed = try await client.refresh(refreshToken: tokens.refreshToken!)
        XCTAssertNotEqual(refreshed.accessToken, tokens.accessToken)
        let info = try await client.introspect(token: refreshed.accessToken, hint: .accessToken)
        XCTAssertTrue(info.active)
        try await client.revoke(token: refreshed.accessToken)
        let after = try await client.introspect(token: refreshed.accessToken)
        XCTAssertFalse(after.active)
    }

    func testPendingAuthorizationSurvivesAsJson() async throws {
        let client = try Clients.publicClient()
        let request = try client.authorizationRequest()
        let restored = try PendingAuthorization.fromJson(json: try request.pending.toJson())
        let tokens = try await client.handleRedirect(pending: restored, redirectUrl: DevServer.authorize(request.url))
        XCTAssertFalse(tokens.accessToken.isEmpty)
    }

    func testClientCredentialsWithEveryAuthMethod() async throws {
        let configs = [
            Clients.standard("basic-client", secret: Clients.basicSecret),
            Clients.standard("post-client", secret: "post-secret", authMethod: .clientSecretPost),
            Clients.standard("jwt-secret-client", secret: "jwt-secret-client-0123456789abcdef0123456789abcdef",
                             authMethod: .clientSecretJwt),
            Clients.standard("rsa-client", pem: DevServer.keyPem("rsa-client")),
            Clients.standard("ec-client", pem: DevServer.keyPem("ec-client")),
            Clients.standard("ed-client", pem: DevServer.keyPem("ed-client")),
        ]
        for config in configs {
            let tokens = try await OAuthClient(config: config).clientCredentials(scope: "read")
            XCTAssertEqual(tokens.scope, "read", config.clientId)
        }
    }

    func testDeskeraV2Profile() async throws {
        DevServer.control("/control/callback-uri", ["client_id": "deskera-client", "uri": Clients.customScheme])
        let client = try OAuthClient(config: ClientConfig(clientId: "deskera-client", clientSecret: "deskera-secret",
                                                          profile: "deskera-v2", baseUrl: DevServer.url + "/deskera-v2"))
        let request = try client.authorizationRequest()
        XCTAssertNil(queryParam(request.url, "redirect_uri"))
        let tokens = try await client.handleRedirect(pending: request.pending, redirectUrl: DevServer.authorize(request.url))
        XCTAssertEqual(try client.authorizationHeader(tokens: tokens).name, "x-access-token")
        let valid = try await client.validate(tokens: tokens)
        XCTAssertTrue(valid)
        let refreshed = try await client.refresh(refreshToken: tokens.refreshToken!)
        XCTAssertNotEqual(refreshed.refreshToken, tokens.refreshToken)
    }

    func testDeskoProfileAndItsErrorBody() async throws {
        func desko(_ secret: String) throws -> OAuthClient {
            try OAuthClient(config: ClientConfig(clientId: "desko-client", clientSecret: secret,
                                                 profile: "desko", baseUrl: DevServer.url + "/desko"))
        }
        let tokens = try await desko("desko-secret").clientCredentials()
        XCTAssertEqual(tokens.tokenType, "Bearer")
        let e = await expectError { _ = try await desko("wrong").clientCredentials() }
        // The case without its values, then the values by name: a pattern listing
        // them by position would stop compiling when a field is added.
        guard case .OAuth? = e, let fields = e?.fields() else {
            return XCTFail("expected .OAuth, got \(String(describing: e))")
        }
        XCTAssertEqual(fields.error, "oauth_server")
        XCTAssertEqual(fields.description, "Client authentication failed")
        XCTAssertEqual(fields.status, 401)
    }

    func testErrorCases() async throws {
        let wrong = try OAuthClient(config: Clients.standard("basic-client", secret: "wrong"))
        let e1 = await expectError { _ = try await wrong.clientCredentials() }
        XCTAssertEqual(e1?.codeName(), "oauth")

        let e2 = await expectError { _ = try await Clients.basic().refresh(refreshToken: "nope") }
        guard case .ReauthorizationRequired? = e2 else { return XCTFail("\(String(describing: e2))") }

        DevServer.fault("token", status: 503, body: "<html>down</html>", contentType: "text/html", headers: [["Retry-After", "7"]])
        let e3 = await expectError { _ = try await Clients.basic().clientCredentials() }
        guard case .Http? = e3, let http = e3?.fields() else { return XCTFail("\(String(describing: e3))") }
        XCTAssertEqual(http.status, 503)
        XCTAssertEqual(http.retryAfterSeconds, 7)
        XCTAssertEqual(http.transient, true)

        DevServer.fault("token", status: 200, body: "{\"token_type\":\"Bearer\"}")
        let e4 = await expectError { _ = try await Clients.basic().clientCredentials() }
        guard case .InvalidResponse? = e4 else { return XCTFail("\(String(describing: e4))") }

        let nothing = try OAuthClient(config: ClientConfig(clientId: "c", clientSecret: "s", tokenUrl: "http://127.0.0.1:9/token"))
        let e5 = await expectError { _ = try await nothing.clientCredentials() }
        guard case .Transport? = e5 else { return XCTFail("\(String(describing: e5))") }

        DevServer.fault("token", delayMs: 3000)
        let slow = try OAuthClient(config: Clients.standard("basic-client", secret: Clients.basicSecret, timeout: 0.3))
        let e6 = await expectError { _ = try await slow.clientCredentials() }
        guard case .Timeout? = e6 else { return XCTFail("\(String(describing: e6))") }

        let client = try Clients.publicClient()
        let request = try client.authorizationRequest()
        let redirect = DevServer.authorize(request.url)
        let forged = redirect.replacingOccurrences(of: "state=", with: "state=forged")
        let e7 = await expectError { _ = try await client.handleRedirect(pending: request.pending, redirectUrl: forged) }
        guard case .StateMismatch? = e7 else { return XCTFail("\(String(describing: e7))") }

        XCTAssertThrowsError(try OAuthClient(config: ClientConfig(clientId: ""))) { error in
            guard case OAuth2KitError.Config = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try OAuthClient(config: ClientConfig(clientId: "c", profile: "no-such-profile")))
    }

    /// Keychain stand-in: the protocol an app implements over Keychain Services.
    final class KeychainStore: TokenStore, @unchecked Sendable {
        private let lock = NSLock()
        private var value: String?
        private(set) var saves = 0
        func load() throws -> String? { lock.lock(); defer { lock.unlock() }; return value }
        func save(tokensJson: String) throws { lock.lock(); defer { lock.unlock() }; value = tokensJson; saves += 1 }
        func clear() throws { lock.lock(); defer { lock.unlock() }; value = nil }
    }

    func testSessionSingleFlightWithSwiftStore() async throws {
        let client = try Clients.publicClient()
        let store = KeychainStore()
        let session = try Session(client: client, store: store)
        let request = try client.authorizationRequest()
        let first = try await client.handleRedirect(pending: request.pending, redirectUrl: DevServer.authorize(request.url))
        try await session.setTokens(tokens: first)
        XCTAssertEqual(store.saves, 1)

        session.invalidate()
        let before = DevServer.count("token")
        let tokens = try await withThrowingTaskGroup(of: String.self) { group -> [String] in
            for _ in 0..<20 { group.addTask { try await session.accessToken() } }
            var all: [String] = []
            for try await t in group { all.append(t) }
            return all
        }
        XCTAssertEqual(DevServer.count("token"), before + 1)
        XCTAssertEqual(Set(tokens).count, 1)
        XCTAssertEqual(store.saves, 2)
        XCTAssertEqual(try tokenSetFromJson(json: try store.load()!).accessToken, tokens[0])
    }

    final class Events: PollObserver, @unchecked Sendable {
        let onFirst: () -> Void
        private let lock = NSLock()
        private(set) var events: [PollEvent] = []
        init(onFirst: @escaping () -> Void) { self.onFirst = onFirst }
        func onEvent(event: PollEvent) throws {
            lock.lock(); events.append(event); let first = events.count == 1; lock.unlock()
            if first { onFirst() }
        }
    }

    func testDeviceFlowWithProgressAndTaskCancellation() async throws {
        DevServer.control("/control/device", ["interval": 1, "expires_in": 60])
        defer { DevServer.control("/control/device", ["interval": 5, "expires_in": 600]) }
        let client = try Clients.basic()
        let auth = try await client.deviceAuthorization(scope: "read")
        let events = Events { DevServer.control("/device/approve", ["user_code": auth.userCode(), "approve": true]) }
        let tokens = try await client.pollDeviceToken(authorization: auth, observer: events)
        XCTAssertEqual(tokens.scope, "read")
        guard let first = events.events.first, case .waiting = first else { return XCTFail("\(events.events)") }
        XCTAssertEqual(first.fields().attempt, 1)
        XCTAssertEqual(first.fields().intervalSeconds, 1)

        let pending = try await client.deviceAuthorization()
        let task = Task { try await client.pollDeviceTokenCancellable(authorization: pending) }
        try await Task.sleep(nanoseconds: 200_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch OAuth2KitError.Cancelled {
        }
    }
}

// Hand-written (not generated): Swift Task cancellation for the long-running flow.
//
// UniFFI's generated Swift awaits a Rust future until it completes: cancelling
// the surrounding Task does not interrupt it (unlike Kotlin, where cancelling
// the coroutine drops the future). Single requests end by themselves within
// `ClientConfig.timeoutMs`; device polling can last minutes, so this maps Task
// cancellation onto the library's `CancelHandle`.
import Foundation

extension OAuthClient {
    /// `pollDeviceToken` that stops, throwing `OAuth2KitError.Cancelled`, when
    /// the calling Task is cancelled.
    public func pollDeviceTokenCancellable(
        authorization: DeviceAuthorization,
        observer: PollObserver? = nil
    ) async throws -> TokenSet {
        let handle = CancelHandle()
        return try await withTaskCancellationHandler {
            try await self.pollDeviceToken(authorization: authorization, observer: observer, cancel: handle)
        } onCancel: {
            handle.cancel()
        }
    }
}

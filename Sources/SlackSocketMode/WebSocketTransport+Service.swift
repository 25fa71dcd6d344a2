import ServiceLifecycle

extension WebSocketTransport: Service {
    /// `Service`: holds the transport (and the metrics page its service thread serves) until the group shuts down
    /// gracefully or is cancelled, then calls ``shutdown()``. Place it *before* the services that use it in the
    /// group, so that it stops after them.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

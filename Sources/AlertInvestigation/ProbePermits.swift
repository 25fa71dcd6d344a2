/// A pool of permits bounding how many probes run at once in the whole process (`limits.probe_concurrency`).
///
/// One pool is shared by every plan of every workspace: the daemon creates one ``ProbeExecutor`` and every copy of
/// it holds this same actor. A probe waits for a permit before it starts and gives it back when it ends, however
/// it ends. Waiters are served first come, first served; a waiter whose task is cancelled leaves the queue at once
/// and throws `CancellationError`, and a permit released while others wait passes straight to the longest waiter,
/// so the number running never exceeds ``limit``.
///
/// This is a semaphore made of an actor and continuations: no thread is ever blocked, and waiting costs nothing but
/// a suspended task.
public actor ProbePermits {
    /// How many permits exist (at least 1).
    public let limit: Int
    /// Permits currently held.
    public private(set) var inUse = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextWaiterID: UInt64 = 0

    /// Creates a pool.
    ///
    /// - Parameter limit: The number of permits; values below 1 mean 1.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Tasks waiting for a permit.
    public var waiting: Int { waiters.count }

    /// Runs `body` while holding a permit, waiting for one first when all are taken.
    ///
    /// - Parameter body: The work to bound.
    /// - Returns: What `body` returns.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (`body` is then not run), or what
    ///   `body` throws. The permit is released in every case once it was acquired.
    public nonisolated func withPermit<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async throws {
        try Task.checkCancellation()
        if inUse < limit, waiters.isEmpty {
            inUse += 1
            return
        }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Runs on this actor before the task suspends; a cancellation that raced ahead is seen by
                // `cancelWaiter`, which the handler below enqueues on this actor after this point.
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            // The permit passes to the longest waiter; `inUse` stays the same.
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

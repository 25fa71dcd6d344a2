@testable import VigilStorage
import Foundation
import Testing

@testable import AlertInvestigation
@testable import Vigil
@testable import VigilBase

/// Investigations flow one way: the alert monitor publishes what it posted, the approvals read it, and check
/// results are kept in one cache.
struct InvestigationStreamTests {
    typealias F = ConversationFixtures

    static let gated = ProbeSpec.command(
        name: "restart-web", executable: "/bin/echo", arguments: ["restarted"], timeout: .seconds(30),
        requiresApproval: true
    )
    static let rule = RunbookRule(name: "cpu", namePattern: GlobPattern("HighCPU*"), probes: [gated])
    static let settings = ConversationSettings(
        permissions: .init(approve: Audience(userIDs: [F.bob])),
        approvers: [F.bob],
        approvalTimeout: .seconds(30 * 60)
    )

    @Test func aRerunPublishesItsInvestigationWithTheWaitingProbesAndWhoAsked() async throws {
        let h = try await ConversationHarness.make(runbooks: [Self.rule])
        let incident = try await h.openIncident()
        let frame = try h.buttonFrame(
            InvestigationMessage.ActionID.rerun, value: String(incident.id), user: F.alice,
            messageTS: incident.investigationTS!, threadTS: incident.rootTS)
        _ = await h.service.handleInteraction(frame: frame)

        var posted = h.monitor.postedInvestigations.makeAsyncIterator()
        let event = try #require(await posted.next())
        #expect(event.incident.id == incident.id)
        #expect(event.awaitingApproval.map(\.name) == ["restart-web"])
        #expect(event.results.map(\.outcome) == [.awaitingApproval])
        #expect(event.requestedBy == F.alice)
        // The one cache holds what the message shows.
        #expect(await h.monitor.probeResults.results(of: incident.id) == event.results)
    }

    @Test func approvalsAskOnceForEachWaitingProbeAsInvestigationsArePosted() async throws {
        let h = try await ConversationHarness.make(settings: Self.settings)
        let incident = try await h.openIncident()
        let (stream, continuation) = AsyncStream.makeStream(of: InvestigationPosted.self)
        let event = InvestigationPosted(
            incident: incident, results: [ProbeResult(name: "restart-web", outcome: .awaitingApproval)],
            awaitingApproval: [Self.gated], requestedBy: F.alice)
        continuation.yield(event)
        continuation.yield(event)  // a second run while the first request is pending
        continuation.finish()

        await h.approvals.run(reading: stream)

        let pending = await h.approvals.pendingApprovals
        #expect(pending.count == 1)
        #expect(pending.first?.probe.name == "restart-web")
        #expect(pending.first?.requestedBy == F.alice)
        #expect(h.slack.posts.contains { $0.text.contains("Approval needed") && $0.threadTS == incident.rootTS })
    }

    @Test func theCacheReplacesAnInvestigationsResultsAndMergesApprovedRuns() async {
        let cache = ProbeResultCache()
        let waiting = ProbeResult(name: "restart-web", outcome: .awaitingApproval)
        let load = ProbeResult(name: "load", outcome: .succeeded(.exitCode(0)), output: "0.42")
        await cache.replace([load, waiting], of: 7)
        let ran = ProbeResult(name: "restart-web", outcome: .succeeded(.exitCode(0)), output: "restarted")
        await cache.merge([ran], into: 7)
        #expect(await cache.results(of: 7) == [load, ran])
        await cache.replace([waiting], of: 7)
        #expect(await cache.results(of: 7) == [waiting])
        #expect(await cache.results(of: 8).isEmpty)
    }

    @Test func theCacheKeepsTheNewestIncidentsOnly() async {
        let cache = ProbeResultCache()
        let result = ProbeResult(name: "load", outcome: .succeeded(.exitCode(0)))
        for id in 1...Int64(ProbeResultCache.limit + 1) {
            await cache.replace([result], of: id)
        }
        #expect(await cache.results(of: 1).isEmpty)
        #expect(await cache.results(of: 2) == [result])
        #expect(await cache.results(of: Int64(ProbeResultCache.limit + 1)) == [result])
    }
}

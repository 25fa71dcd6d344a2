import AlertReading
import VigilStorage
import Foundation
import Testing

@Suite("Silences")
struct SilenceTests {
    let ws = StoreFixtures.workspace

    @Test(
        "Name globs are anchored, case-insensitive, with * and ?",
        arguments: [
            ("HighCPU*", "HighCPUUsage", true),
            ("HighCPU*", "highcpu", true),
            ("HighCPU*", "NodeHighCPU", false),
            ("*CPU*", "NodeHighCPUUsage", true),
            ("Disk?Full", "Disk-Full", true),
            ("Disk?Full", "DiskFull", false),
            ("*", "", true),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("Exact", "Exact", true),
            ("Exact", "Exactly", false),
        ]
    )
    func glob(pattern: String, name: String, matches: Bool) {
        let alert = StoreFixtures.alert(.firing, name: name)
        #expect(Silence.Matcher.nameGlob(pattern).matches(alert) == matches)
    }

    @Test("An identity silence matches that identity exactly")
    func exactIdentity() async throws {
        let store = try await StoreFixtures.inMemory()
        let silence = try await store.createSilence(
            workspace: ws,
            matcher: .identity("alertmanager:HighCPU|web-1"),
            createdBy: "U0ALICE",
            reason: "maintenance",
            at: StoreFixtures.t0,
            expiresAt: StoreFixtures.at(minutes: 60)
        )
        #expect(silence.matcher == .identity("alertmanager:HighCPU|web-1"))
        let covered = StoreFixtures.alert(.firing, identity: "alertmanager:HighCPU|web-1")
        let other = StoreFixtures.alert(.firing, identity: "alertmanager:HighCPU|web-2")
        #expect(
            try await store.activeSilence(matching: covered, workspace: ws, at: StoreFixtures.at(minutes: 1)) == silence
        )
        #expect(try await store.activeSilence(matching: other, workspace: ws, at: StoreFixtures.at(minutes: 1)) == nil)
        #expect(
            try await store.activeSilence(matching: covered, workspace: "T1OTHER", at: StoreFixtures.at(minutes: 1))
                == nil
        )
    }

    @Test("Glob silences match by name; expired ones stop applying; removal works per workspace")
    func globExpiryAndRemoval() async throws {
        let store = try await StoreFixtures.inMemory()
        let short = try await store.createSilence(
            workspace: ws,
            matcher: .nameGlob("HighCPU*"),
            createdBy: "U0ALICE",
            reason: "",
            at: StoreFixtures.t0,
            expiresAt: StoreFixtures.at(minutes: 30)
        )
        let long = try await store.createSilence(
            workspace: ws,
            matcher: .nameGlob("*CPU*"),
            createdBy: "U0BOB",
            reason: "noisy",
            at: StoreFixtures.t0,
            expiresAt: StoreFixtures.at(minutes: 120)
        )
        let alert = StoreFixtures.alert(.firing, name: "HighCPUUsage")

        #expect(
            try await store.activeSilences(workspace: ws, at: StoreFixtures.at(minutes: 10)).map(\.id) == [
                short.id, long.id,
            ]
        )
        #expect(
            try await store.activeSilence(matching: alert, workspace: ws, at: StoreFixtures.at(minutes: 10))?.id
                == long.id
        )
        // At expiry the short one is gone.
        #expect(try await store.activeSilences(workspace: ws, at: StoreFixtures.at(minutes: 30)).map(\.id) == [long.id])

        #expect(try await store.removeSilence(workspace: "T1OTHER", id: long.id) == false)
        #expect(try await store.removeSilence(workspace: ws, id: long.id))
        #expect(try await store.activeSilence(matching: alert, workspace: ws, at: StoreFixtures.at(minutes: 40)) == nil)
        #expect(
            try await store.activeSilence(matching: alert, workspace: ws, at: StoreFixtures.at(minutes: 20))?.id
                == short.id
        )
        #expect(try await store.removeSilence(workspace: ws, id: long.id) == false)
    }
}

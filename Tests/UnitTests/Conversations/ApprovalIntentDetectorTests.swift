import Testing

@testable import Vigil

struct ApprovalIntentDetectorTests {
    static let cases: [(String, ApprovalIntent)] = [
        // Plain yes.
        ("approve", .approve),
        ("Approved", .approve),
        ("approved!", .approve),
        ("yes", .approve),
        ("Yes, go ahead", .approve),
        ("go ahead", .approve),
        ("LGTM", .approve),
        ("ship it", .approve),
        ("do it", .approve),
        ("just do it", .approve),
        ("ok", .approve),
        ("OK.", .approve),
        ("okay, run it", .approve),
        ("sure", .approve),
        ("yep", .approve),
        ("I approve", .approve),
        ("please do", .approve),
        ("go for it", .approve),
        ("sounds good", .approve),
        ("no problem", .approve),
        ("no objections", .approve),
        ("👍", .approve),
        ("👍🏽", .approve),
        (":+1:", .approve),
        (":thumbsup:", .approve),
        (":thumbsup::skin-tone-3:", .approve),
        ("✅", .approve),
        ("<@U0VIGIL> approve", .approve),
        ("it’s ok", .approve),
        ("approve 17", .approve),
        // Plain no.
        ("deny", .deny),
        ("Denied", .deny),
        ("no", .deny),
        ("No.", .deny),
        ("nope", .deny),
        ("don't", .deny),
        ("do not", .deny),
        ("stop", .deny),
        ("cancel", .deny),
        ("cancel that", .deny),
        ("reject", .deny),
        ("👎", .deny),
        (":-1:", .deny),
        (":thumbsdown:", .deny),
        ("❌", .deny),
        ("not now", .deny),
        ("absolutely not", .deny),
        ("no way", .deny),
        ("hold off", .deny),
        // Negation.
        ("don't approve", .deny),
        ("Don’t approve it", .deny),
        ("do not go ahead", .deny),
        ("not approved", .deny),
        ("no, don't", .deny),
        ("please don't", .deny),
        ("don't do it", .deny),
        ("do not run it", .deny),
        ("it's not ok", .deny),
        ("I do not approve this", .deny),
        ("I don't think so", .deny),
        ("never", .deny),
        ("won't approve", .deny),
        // Unclear: hedged, mixed, questions, double negatives, nothing.
        ("I wouldn't say no", .unclear),
        ("don't stop", .unclear),
        ("don't cancel", .unclear),
        ("maybe", .unclear),
        ("not sure", .unclear),
        ("I'm not sure", .unclear),
        ("hmm", .unclear),
        ("wait", .unclear),
        ("approve?", .unclear),
        ("should I approve this?", .unclear),
        ("what does it do", .unclear),
        ("yes no", .unclear),
        ("no, go ahead", .unclear),
        ("yes, cancel it", .unclear),
        ("yes but only on web-1", .unclear),
        ("👍 👎", .unclear),
        ("ok, but wait for the deploy", .unclear),
        ("thanks", .unclear),
        ("", .unclear),
        ("   ", .unclear),
        ("not", .unclear),
        ("I'd rather not", .unclear),
        ("never mind", .unclear),
        ("let me check first", .unclear),
        ("probably", .unclear),
        ("it depends", .unclear),
        ("go", .unclear),
        ("isn't it risky", .unclear),
        ("yes yes yes yes yes yes yes yes yes yes yes yes yes", .unclear),
    ]

    @Test(arguments: cases)
    func readsReply(_ text: String, _ expected: ApprovalIntent) {
        #expect(ApprovalIntentDetector().detect(text) == expected, "\"\(text)\"")
    }

    @Test func tableIsLargeAndCoversAllThreeIntents() {
        #expect(Self.cases.count >= 40)
        for intent in ApprovalIntent.allCases {
            #expect(Self.cases.contains { $0.1 == intent })
        }
    }

    @Test func longRepliesAreUnclearByConfiguration() {
        #expect(ApprovalIntentDetector(maximumWords: 3).detect("yes go ahead please") == .unclear)
        #expect(ApprovalIntentDetector(maximumWords: 3).detect("yes go ahead") == .approve)
    }
}

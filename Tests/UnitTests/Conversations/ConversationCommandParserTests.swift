import Testing

@testable import Vigil

struct ConversationCommandParserTests {
    private func thread(_ text: String) -> ConversationCommand {
        ConversationCommandParser(context: .alertThread).parse(text)
    }

    private func direct(_ text: String) -> ConversationCommand {
        ConversationCommandParser(context: .direct).parse(text)
    }

    private func slash(_ text: String) -> ConversationCommand {
        ConversationCommandParser(context: .slash).parse(text)
    }

    @Test func threadCommandsNeedNoId() {
        #expect(thread("help") == .help)
        #expect(thread("status") == .status(incidentID: nil))
        #expect(thread("History") == .history(incidentID: nil))
        #expect(thread("related") == .related(incidentID: nil))
        #expect(thread("rerun") == .rerun(incidentID: nil))
        #expect(thread("re-run please") == .rerun(incidentID: nil))
        #expect(thread("ack") == .acknowledge(incidentID: nil))
        #expect(thread("ack!") == .acknowledge(incidentID: nil))
        #expect(thread("resolve") == .resolve(incidentID: nil))
        #expect(thread("unsilence") == .unsilenceIncident(incidentID: nil))
        #expect(thread("approve") == .decide(.approve, requestID: nil))
        #expect(thread("deny 17") == .decide(.deny, requestID: "17"))
    }

    @Test func threadSilenceDurations() {
        #expect(thread("silence 30m") == .silenceIncident(incidentID: nil, duration: .seconds(1800)))
        #expect(thread("silence 2h") == .silenceIncident(incidentID: nil, duration: .seconds(7200)))
        #expect(thread("silence 1d") == .silenceIncident(incidentID: nil, duration: .seconds(86_400)))
        #expect(thread("silence for 2 hours") == .silenceIncident(incidentID: nil, duration: .seconds(7200)))
        #expect(thread("mute this for 90min") == .silenceIncident(incidentID: nil, duration: .seconds(5400)))
        #expect(thread("silence 1h30m") == .silenceIncident(incidentID: nil, duration: .seconds(5400)))
        #expect(thread("silence 1w") == .silenceIncident(incidentID: nil, duration: .seconds(7 * 86_400)))
        if case .usage = thread("silence") {} else { Issue.record("silence without a duration should explain") }
    }

    @Test func threadQuestionsAreNotCommands() {
        #expect(thread("what happened before?") == .question("what happened before?"))
        #expect(thread("status of the db?") == .question("status of the db?"))
        #expect(thread("ack is this mine?") == .question("ack is this mine?"))
        #expect(thread("silence the noisy one forever") == .question("silence the noisy one forever"))
    }

    @Test func directCommandsTakeIds() {
        #expect(direct("ack 42") == .acknowledge(incidentID: 42))
        #expect(direct("ack #42") == .acknowledge(incidentID: 42))
        #expect(direct("resolve incident 7") == .resolve(incidentID: 7))
        #expect(direct("silence 42 2h") == .silenceIncident(incidentID: 42, duration: .seconds(7200)))
        #expect(direct("silence 2h 42") == .silenceIncident(incidentID: 42, duration: .seconds(7200)))
        #expect(direct("status 3") == .status(incidentID: 3))
        #expect(direct("alerts") == .alerts(channel: nil))
        #expect(
            direct("alerts <#C0ALERTS|alerts>") == .alerts(channel: ChannelReference(id: "C0ALERTS", name: "alerts"))
        )
        #expect(direct("history HighCPU") == .historyByName("HighCPU"))
        #expect(direct("ack") == .acknowledge(incidentID: nil))
        #expect(direct("yes go ahead") == .question("yes go ahead"))
        #expect(direct("watch <#C0ALERTS>") == .question("watch <#C0ALERTS>"))
    }

    @Test func slashSubcommands() {
        #expect(slash("") == .help)
        #expect(slash("help") == .help)
        #expect(slash("status") == .status(incidentID: nil))
        #expect(
            slash("alerts <#C0ALERTS|alerts>") == .alerts(channel: ChannelReference(id: "C0ALERTS", name: "alerts"))
        )
        #expect(slash("watch <#C0NEW|new-alerts>") == .watch(ChannelReference(id: "C0NEW", name: "new-alerts")))
        #expect(slash("unwatch C0NEW") == .unwatch(ChannelReference(id: "C0NEW")))
        #expect(slash("channels") == .listChannels)
        #expect(
            slash("silence HighCPU* 2h deploying web")
                == .silencePattern(pattern: "HighCPU*", duration: .seconds(7200), reason: "deploying web")
        )
        #expect(
            slash("silence High CPU usage 30m")
                == .silencePattern(pattern: "High CPU usage", duration: .seconds(1800), reason: "")
        )
        #expect(slash("silences") == .listSilences)
        #expect(slash("unsilence 7") == .removeSilence(id: 7))
        #expect(slash("history HighCPU usage") == .historyByName("HighCPU usage"))
        #expect(slash("frobnicate") == .unknown("frobnicate"))
        #expect(slash("ack 42") == .unknown("ack"))
    }

    @Test func slashMisuseExplains() {
        for text in [
            "watch #alerts", "watch", "unsilence", "unsilence abc", "silence HighCPU", "history", "alerts #alerts",
        ] {
            if case .usage = slash(text) {
            } else {
                Issue.record("`\(text)` should explain its usage, got \(slash(text))")
            }
        }
    }

    @Test func channelReferences() {
        #expect(ChannelReference(parsing: "<#C123ABC|alerts>") == ChannelReference(id: "C123ABC", name: "alerts"))
        #expect(ChannelReference(parsing: "<#C123ABC>") == ChannelReference(id: "C123ABC"))
        #expect(ChannelReference(parsing: "<#C123ABC|>") == ChannelReference(id: "C123ABC"))
        #expect(ChannelReference(parsing: "G0PRIVATE") == ChannelReference(id: "G0PRIVATE"))
        #expect(ChannelReference(parsing: "#alerts") == nil)
        #expect(ChannelReference(parsing: "<@U123>") == nil)
        #expect(ChannelReference(parsing: "D0DM") == nil)
    }

    @Test func questionIntents() {
        #expect(QuestionIntent.intents(of: "what happened before?") == [.history])
        #expect(QuestionIntent.intents(of: "anything else failing?") == [.related])
        #expect(QuestionIntent.intents(of: "how do I fix this") == [.runbook])
        #expect(QuestionIntent.intents(of: "what do the checks say") == [.runbook])
        #expect(QuestionIntent.intents(of: "who acked this?") == [.ownership])
        #expect(QuestionIntent.intents(of: "why is it firing?") == [.cause])
        #expect(QuestionIntent.intents(of: "is there another one") == [])
        #expect(
            QuestionIntent.intents(of: "did this happen before and is anything else broken?") == [.history, .related]
        )
    }
}

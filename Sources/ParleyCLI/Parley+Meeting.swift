import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Meeting: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "meeting",
            abstract: "Record joint meetings, their decisions and action items.",
            discussion: """
                Parley gives the meeting an id (M-1, …) and each action item one (A-1, …).

                Examples:
                  parley meeting hold --title "Weekly pipeline sync" --as lee@mgmt \\
                      --attendee mia@marketing --attendee sam@sales \\
                      --decision "Webinar leads need a company email" \\
                      --action "sam@sales:Call back all March webinar leads:2026-04-01"
                """,
            subcommands: [Hold.self]
        )

        struct Hold: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "hold", abstract: "Record a meeting held.")
            @Option(help: "What the meeting was.") var title: String
            @Option(name: .customLong("attendee"), help: ArgumentHelp("Someone who attended (repeatable).", valueName: "handle"))
            var attendees: [String] = []
            @Option(help: "The agenda.") var agenda: String?
            @Option(name: .customLong("decision"), help: ArgumentHelp("A decision taken (repeatable).", valueName: "text"))
            var decisions: [String] = []
            @Option(name: .customLong("action"), help: ArgumentHelp("An action item, owner:text[:due] (repeatable).", valueName: "owner:text:due"))
            var actions: [String] = []
            @Option(help: ArgumentHelp("Give the id yourself instead of the next M-n.", valueName: "id")) var id: String?
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                if attendees.isEmpty { throw ValidationError("name who attended with --attendee HANDLE (repeatable)") }
                for action in actions where action.split(separator: ":", omittingEmptySubsequences: false).count < 2 {
                    throw ValidationError("--action takes owner:text[:due], e.g. \"sam@sales:Call back the webinar leads:2026-04-01\"; got '\(action)'")
                }
            }

            func run() throws {
                let items = actions.map { text -> Command.HoldMeeting.Item in
                    var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    let owner = parts.removeFirst()
                    // A due date or time is the part after the last ':' that reads as one.
                    var due: String?
                    if parts.count > 1, let last = parts.last, TimeArgument(argument: last) != nil || TimeArgument(argument: parts.suffix(3).joined(separator: ":")) != nil {
                        if TimeArgument(argument: last) != nil {
                            due = parts.removeLast()
                        } else {
                            due = parts.suffix(3).joined(separator: ":")
                            parts.removeLast(3)
                        }
                    }
                    return Command.HoldMeeting.Item(owner: owner, text: parts.joined(separator: ":"), due: due)
                }
                try options.run(.holdMeeting(Command.HoldMeeting(id: id, title: title, attendees: attendees, agenda: agenda,
                                                                 decisions: decisions.isEmpty ? nil : decisions, actionItems: items)))
            }
        }
    }

    struct Action: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "action",
            abstract: "Complete action items from meetings.",
            discussion: """
                Examples:
                  parley action complete A-12 --note "all 40 called back" --as sam@sales
                """,
            subcommands: [Complete.self]
        )

        struct Complete: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "complete", abstract: "Mark an action item done.")
            @Argument(help: ArgumentHelp("The action item, e.g. A-12.", valueName: "action")) var action: String
            @Option(help: "How it went.") var note: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.completeAction(ActionCompleted(action: action, note: note)))
            }
        }
    }

    struct Content: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "content",
            abstract: "Content that gets used: requests and deliveries, and what shared resources did for the leads.",
            discussion: """
                Parley gives each request an id (C-1, …). `parley content` alone reports on shared resources and requests.

                Examples:
                  parley content
                  parley content --since 2026-01-01 --json
                  parley content request --topic "ROI one-pager for CFOs" --lead L-1042 \\
                      --needed-by 2026-04-10 --as sam@sales
                  parley content deliver C-5 --title "ROI for CFOs" \\
                      --link https://wiki.example.com/roi --as mia@marketing
                """,
            subcommands: [Report.self, Request.self, Deliver.self],
            defaultSubcommand: Report.self
        )

        struct Report: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "report",
                abstract: "Each shared resource's use and outcomes; each request's time to delivery.",
                discussion: """
                    For each resource shared (parley resource share): who shared it and when, how often it was used (parley resource use), by how many members, days since last use, and the leads it was used on against the leads of the same sources it was not used on (acceptance: accepted of those judged; conversion: converted of those sent). Resources idle for \(ContentReport.unusedAfterDays) days or more are listed as unused. For each content request: when it was asked for, when delivered and how many hours that took; open past its date is overdue.
                    """
            )
            @OptionGroup var view: ViewOptions
            @Option(help: ArgumentHelp("Only resources shared and requests made at or after this time.", valueName: "time")) var since: TimeArgument?

            func run() throws {
                let report = try view.open().content(since: since?.timestamp, view.window, progress: view.progress)
                if view.json {
                    try Output.standard.json(report)
                    return
                }
                if report.resources.isEmpty {
                    Output.standard.line("no resource shared\(since == nil ? "" : " since then")")
                } else {
                    for line in Figures.table(["RESOURCE", "TITLE", "USES", "BY", "IDLE DAYS", "LEADS WITH", "ACCEPT", "CONVERT", "SAME SOURCES WITHOUT", "ACCEPT", "CONVERT"],
                                              report.resources.map { resource in
                        [resource.resource, String(resource.title.prefix(40)), String(resource.uses), String(resource.users), String(resource.idleDays),
                         String(resource.withIt.leads), Figures.percent(resource.withIt.acceptanceRate), Figures.percent(resource.withIt.conversionRate),
                         String(resource.withoutIt.leads), Figures.percent(resource.withoutIt.acceptanceRate), Figures.percent(resource.withoutIt.conversionRate)]
                    }, rightAligned: [2, 3, 4, 5, 6, 7, 8, 9, 10]) { Output.standard.line(line) }
                    if !report.unused.isEmpty {
                        Output.standard.line("unused for \(ContentReport.unusedAfterDays) days or more: \(report.unused.joined(separator: ", "))")
                    }
                }
                Output.standard.line()
                if report.requests.isEmpty {
                    Output.standard.line("no content requested\(since == nil ? "" : " since then")")
                } else {
                    for line in Figures.table(["REQUEST", "TOPIC", "BY", "ASKED", "NEEDED BY", "DELIVERED", "HOURS", "STATE"], report.requests.map { request in
                        [request.request, String(request.topic.prefix(40)), request.requestedBy, String(request.requestedAt.rfc3339.prefix(10)),
                         request.neededBy.map { String($0.rfc3339.prefix(10)) } ?? "–", request.deliveredAt.map { String($0.rfc3339.prefix(10)) } ?? "–",
                         Figures.decimal(request.hoursToDelivery), request.state]
                    }, rightAligned: [6]) { Output.standard.line(line) }
                }
            }
        }

        struct Request: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "request", abstract: "Ask for content.")
            @Option(help: "What is needed.") var topic: String
            @Option(help: "The lead it is for.") var lead: String?
            @Option(help: ArgumentHelp("When it is needed (a date or time).", valueName: "date")) var neededBy: String?
            @Option(help: ArgumentHelp("Give the id yourself instead of the next C-n.", valueName: "id")) var id: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.requestContent(Command.RequestContent(id: id, topic: topic, lead: lead, neededBy: neededBy)))
            }
        }

        struct Deliver: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "deliver", abstract: "Deliver requested content.")
            @Argument(help: ArgumentHelp("The request, e.g. C-5.", valueName: "request")) var request: String
            @Option(help: "What was delivered.") var title: String?
            @Option(help: "Where it is.") var link: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.deliverContent(ContentDelivered(request: request, title: title, link: link)))
            }
        }
    }

    struct Resource: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resource",
            abstract: "Share resources in the knowledge base, and record their use.",
            discussion: """
                Parley gives each resource an id (R-1, …).

                Examples:
                  parley resource share --title "Ideal customer profile" \\
                      --link https://wiki.example.com/icp --team marketing --kind guide \\
                      --as mia@marketing
                  parley resource use R-2 --lead L-1042 --note "used in the first call" \\
                      --as sam@sales
                """,
            subcommands: [Share.self, Use.self]
        )

        struct Share: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "share", abstract: "Share a resource.")
            @Option(help: "Its title.") var title: String
            @Option(help: "Where it is.") var link: String
            @Option(help: "The team that made it.") var team: String
            @Option(help: "What kind: case study, battle card, …") var kind: String?
            @Option(help: ArgumentHelp("Give the id yourself instead of the next R-n.", valueName: "id")) var id: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.shareResource(Command.ShareResource(id: id, title: title, link: link, team: team, kind: kind)))
            }
        }

        struct Use: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "use", abstract: "Record that a resource was used.")
            @Argument(help: ArgumentHelp("The resource, e.g. R-2.", valueName: "resource")) var resource: String
            @Option(help: "The lead it was used with.") var lead: String?
            @Option(help: "How.") var note: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.useResource(ResourceUsed(resource: resource, lead: lead, note: note)))
            }
        }
    }

    struct Retract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retract",
            abstract: "Correct a mistake: the event stays in the log but no longer counts.",
            discussion: """
                Examples:
                  parley retract 0190f1c2-7e4b-7c3a-9d2e-5b8f0a1c2d3e \\
                      --reason "wrong lead id" --as sam@sales
                """
        )

        @Argument(help: ArgumentHelp("The id of the event to retract (see `parley log --json`).", valueName: "event-id"))
        var target: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: RecordingOptions

        func validate() throws {
            if EventID(target) == nil { throw ValidationError("'\(target)' is not an event id (a UUID, as `parley log --json` shows)") }
        }

        func run() throws {
            try options.run(.retract(target: EventID(target)!, reason: reason))
        }
    }
}

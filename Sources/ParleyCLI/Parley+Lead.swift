import ArgumentParser
import ParleyCore
import ParleyApp

extension Parley {
    struct Lead: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lead",
            abstract: "Hand leads over, give verdicts and feedback, record outcomes.",
            discussion: """
                Marketing sends leads; sales accepts or rejects each once and rates its quality.

                Examples:
                  parley lead send L-1042 --source webinar --campaign Q1-webinar --score 72 \\
                      --to sam@sales --as mia@marketing
                  parley lead accept L-1042 --as sam@sales
                  parley lead reject L-1042 --reason not-a-fit --comment "student, no budget" \\
                      --as sam@sales
                  parley lead feedback L-1042 --rating 2 --comment "student, no budget" \\
                      --objection price --as sam@sales
                  parley lead convert L-1042 --amount 12000 --currency EUR --as sam@sales
                  parley lead lose L-1042 --reason "went with a competitor" --as sam@sales
                  parley lead recycle L-1042 --reason "not ready until Q3" --as sam@sales
                  parley lead reassign L-1042 --to olivia@sales --as lee@mgmt
                  parley lead show L-1042
                """,
            subcommands: [Send.self, Accept.self, Reject.self, Recycle.self, Feedback.self, Convert.self, Lose.self, Reassign.self, Show.self]
        )

        struct Send: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "send", abstract: "Marketing hands a lead to sales.")
            @Argument(help: ArgumentHelp("The lead's id, e.g. L-1042.", valueName: "lead")) var lead: String
            @Option(help: "Where it came from: webinar, paid-search, referral, …") var source: String
            @Option(help: "The campaign.") var campaign: String?
            @Option(help: "Lead score, 0 to 100.") var score: Int64?
            @Option(help: ArgumentHelp("The sales rep who owns it.", valueName: "handle")) var to: String?
            @Option(help: "The criteria version the lead met (default: the current one).") var criteriaVersion: Int64?
            @Option(name: .customLong("attribute"), help: ArgumentHelp(
                "A fact to check the criteria against later, name=value (repeatable): employees=120, industry=retail.",
                valueName: "name=value"))
            var attributes: [String] = []
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                for attribute in attributes where !attribute.contains("=") {
                    throw ValidationError("--attribute takes name=value, got '\(attribute)'")
                }
            }

            func run() throws {
                var facts: [String: AttributeValue] = [:]
                for attribute in attributes {
                    let parts = attribute.split(separator: "=", maxSplits: 1).map(String.init)
                    let value = parts.count > 1 ? parts[1] : ""
                    facts[parts[0]] = Double(value).map(AttributeValue.number) ?? (value == "true" || value == "false" ? .flag(value == "true") : .text(value))
                }
                try options.run(.sendLead(LeadSent(lead: lead, source: source, campaign: campaign, criteriaVersion: criteriaVersion,
                                                   score: score, assignedTo: to, attributes: facts.isEmpty ? nil : facts)))
            }
        }

        struct Accept: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "accept", abstract: "Sales accepts a lead (SAL).")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.acceptLead(LeadAccepted(lead: lead)))
            }
        }

        struct Reject: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "reject", abstract: "Sales rejects a lead, and says why.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: "not-a-fit, bad-contact, no-budget, duplicate, not-ready or other.") var reason: String
            @Option(help: "More words.") var comment: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.rejectLead(LeadRejected(lead: lead, reason: reason, comment: comment)))
            }
        }

        struct Recycle: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "recycle", abstract: "A lead goes back to marketing nurture.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: "Why.") var reason: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.recycleLead(LeadRecycled(lead: lead, reason: reason)))
            }
        }

        struct Feedback: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "feedback", abstract: "Sales rates a lead's quality, 1 to 5.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: "1 (useless) to 5 (perfect).") var rating: Int64
            @Option(help: "More words.") var comment: String?
            @Option(name: .customLong("objection"), help: ArgumentHelp("An objection heard from the prospect (repeatable).", valueName: "text"))
            var objections: [String] = []
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.giveFeedback(LeadFeedback(lead: lead, rating: rating, comment: comment,
                                                           objections: objections.isEmpty ? nil : objections)))
            }
        }

        struct Convert: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "convert", abstract: "A lead became a customer.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: "The deal's amount.") var amount: Double?
            @Option(help: "Its currency, e.g. EUR.") var currency: String?
            @OptionGroup var options: RecordingOptions

            func validate() throws {
                if currency != nil && amount == nil { throw ValidationError("--currency goes with --amount") }
            }

            func run() throws {
                try options.run(.convertLead(LeadConverted(lead: lead, amount: amount, currency: currency)))
            }
        }

        struct Lose: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "lose", abstract: "A lead was lost.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: "Why.") var reason: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.loseLead(LeadLost(lead: lead, reason: reason)))
            }
        }

        struct Reassign: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "reassign", abstract: "A lead gets a new owner; the SLA clock restarts.")
            @Argument(help: ArgumentHelp("The lead's id.", valueName: "lead")) var lead: String
            @Option(help: ArgumentHelp("The new owner.", valueName: "handle")) var to: String
            @Option(help: "Why.") var reason: String?
            @OptionGroup var options: RecordingOptions

            func run() throws {
                try options.run(.reassignLead(LeadReassigned(lead: lead, to: to, reason: reason)))
            }
        }
    }
}

import Foundation
import ParleyCore
import Testing

/// Criteria as rules that run, through the built binary.
@Suite struct CriteriaRulesCLITests {
    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        try w.ok("member", "add", "mia@marketing", "--name", "Mia", "--team", "marketing", "--as", "mia@marketing")
        try w.ok("member", "add", "sam@sales", "--name", "Sam", "--team", "sales", "--as", "mia@marketing")
        return w
    }

    /// Past 2,000 leads, what-if reads their outcomes in one pass over the
    /// view instead of one by one: the same counts as a count made here.
    @Test func whatIfOverManyLeadsCountsAsAHandCount() throws {
        let w = try workspace()
        var lines: [String] = []
        var expected = (qualified: 0, accepted: 0, rejected: 0, converted: 0, notQualified: 0)
        for index in 0..<2_400 {
            let lead = "L-\(index)", employees = index % 100 * 10
            let source = index % 2 == 0 ? "webinar" : "referral"
            let attributes = index % 50 == 7 ? "{}" : #"{"employees":\#(employees)}"#
            lines.append(#"{"stream":"lead/\#(lead)","type":"lead.sent","actor":"mia@marketing","occurred_at":"2026-01-05T09:30:00Z","data":{"lead":"\#(lead)","source":"\#(source)","assigned_to":"sam@sales","attributes":\#(attributes)}}"#)
            if index % 3 == 0 { lines.append(leadLine(lead, type: "lead.accepted", actor: "sam@sales")) }
            if index % 3 == 1 { lines.append(leadLine(lead, type: "lead.rejected", actor: "sam@sales")) }
            if index % 6 == 0 {
                lines.append(#"{"stream":"lead/\#(lead)","type":"lead.converted","actor":"sam@sales","occurred_at":"2026-01-09T09:30:00Z","data":{"lead":"\#(lead)","amount":100}}"#)
            }
            guard index % 50 != 7 else { continue }  // no employees: not evaluable
            if employees >= 500 {
                expected.qualified += 1
                if index % 3 == 0 { expected.accepted += 1 }
                if index % 3 == 1 { expected.rejected += 1 }
                if index % 6 == 0 { expected.converted += 1 }
            } else {
                expected.notQualified += 1
            }
        }
        try w.ok("record", "--quiet", try w.file("leads.jsonl", lines.joined(separator: "\n") + "\n"))
        let report = try JSONValue.parse(try w.ok("criteria", "what-if", "--rules", "employees >= 500", "--json").stdout.trimmingCharacters(in: .newlines))
        #expect(report["leads"] == .integer(2_400))
        #expect(report["evaluable"] == .integer(Int64(expected.qualified + expected.notQualified)))
        let qualified = report["qualified"]
        #expect(qualified?["sent"] == .integer(Int64(expected.qualified)))
        #expect(qualified?["accepted"] == .integer(Int64(expected.accepted)))
        #expect(qualified?["rejected"] == .integer(Int64(expected.rejected)))
        #expect(qualified?["converted"] == .integer(Int64(expected.converted)))
        #expect(qualified?["revenue"] == .integer(Int64(expected.converted * 100)) || qualified?["revenue"] == .double(Double(expected.converted * 100)))
        #expect(report["not_qualified"]?["sent"] == .integer(Int64(expected.notQualified)))
        #expect(report["by"]?.arrayItems.map { $0["key"] } == [.string("referral"), .string("webinar")])
    }

    @Test func rulesThatDoNotParseAreRefusedWithTheColumn() throws {
        let w = try workspace()
        let refused = try w.run("criteria", "change", "--rules", "employees >= AND title = x", "--as", "mia@marketing")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(#"--rules: column 14: expected a value after ">=", got "AND""#), "\(refused.stderr)")
        #expect(!(try w.ok("log").stdout.contains("criteria.changed")), "nothing written")
    }

    @Test func aLeadIsCheckedClauseByClauseAgainstItsVersion() throws {
        let w = try workspace()
        try w.ok("criteria", "change", "--rules", "scale title: individual < manager < director; employees >= 50 AND title >= manager",
                 "--as", "mia@marketing", "--at", "2026-01-01")
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--attribute", "employees=120", "--attribute", "title=Director",
                 "--as", "mia@marketing")
        try w.ok("lead", "send", "L-2", "--source", "webinar", "--to", "sam@sales", "--attribute", "employees=8", "--as", "mia@marketing")
        let one = try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("criteria", "check", "L-1", "--json").stdout.utf8)) as? [String: Any])
        #expect(one["version"] as? Int == 1 && one["met"] as? Bool == true)
        let two = try #require(try JSONSerialization.jsonObject(with: Data(try w.ok("criteria", "check", "L-2", "--json").stdout.utf8)) as? [String: Any])
        #expect(two["met"] as? Bool == false)
        let clauses = try #require(two["clauses"] as? [[String: Any]])
        #expect(clauses.map { $0["clause"] as! String } == ["employees >= 50", "title >= manager"])
        #expect(clauses[0]["met"] as? Bool == false && clauses[1]["met"] is NSNull)
        let text = try w.ok("criteria", "check", "L-2").stdout
        #expect(text.contains("not met  employees >= 50") && text.contains("L-2 did not meet the criteria"), "\(text)")
        #expect(try w.run("criteria", "check", "L-404").status == 6)
    }

    @Test func rulesRecordedBeforeTheyHadToParseStayReadable() throws {
        let w = try workspace()
        let old = #"{"stream":"criteria/mql","type":"criteria.changed","actor":"mia@marketing","occurred_at":"2025-01-01T00:00:00Z","data":{"version":1,"rules":"company email and a real title"}}"#
        try w.ok("record", try w.file("old.jsonl", old + "\n"))
        try w.ok("lead", "send", "L-1", "--source", "webinar", "--to", "sam@sales", "--as", "mia@marketing")
        let check = try w.ok("criteria", "check", "L-1").stdout
        #expect(check.contains("not evaluable: its rules do not parse"), "\(check)")
        #expect(try w.ok("criteria", "history").stdout.contains("company email and a real title"))
    }

    @Test func whatIfSplitsPastLeadsAndSaysWhatTheyDid() throws {
        let w = try workspace()
        // Twelve leads: employees 10, 20, … 120; sources alternate; every third accepted and converted for 1,000, the rest rejected.
        var lines: [String] = []
        var expected = (qualified: [0, 0, 0, 0], not: [0, 0, 0, 0])  // sent, accepted, rejected, converted
        for n in 1...12 {
            let source = n % 2 == 0 ? "webinar" : "referral"
            let employees = n * 10
            lines.append(#"{"stream":"lead/L-\#(n)","type":"lead.sent","actor":"mia@marketing","occurred_at":"2026-02-0\#(n % 9 + 1)T09:00:00Z","data":{"lead":"L-\#(n)","source":"\#(source)","assigned_to":"sam@sales","attributes":{"employees":\#(employees)}}}"#)
            let accepted = n % 3 == 0
            lines.append(#"{"stream":"lead/L-\#(n)","type":"\#(accepted ? "lead.accepted" : "lead.rejected")","actor":"sam@sales","occurred_at":"2026-02-20T09:00:00Z","data":{"lead":"L-\#(n)"\#(accepted ? "" : #","reason":"not-a-fit""#)}}"#)
            if accepted {
                lines.append(#"{"stream":"lead/L-\#(n)","type":"lead.converted","actor":"sam@sales","occurred_at":"2026-02-25T09:00:00Z","data":{"lead":"L-\#(n)","amount":1000}}"#)
            }
            let counts = [1, accepted ? 1 : 0, accepted ? 0 : 1, accepted ? 1 : 0]
            if employees >= 50 {
                expected.qualified = zip(expected.qualified, counts).map(+)
            } else {
                expected.not = zip(expected.not, counts).map(+)
            }
        }
        // One lead with no employees at all: sent, not evaluable.
        lines.append(#"{"stream":"lead/L-99","type":"lead.sent","actor":"mia@marketing","occurred_at":"2026-02-03T09:00:00Z","data":{"lead":"L-99","source":"webinar","assigned_to":"sam@sales"}}"#)
        try w.ok("record", try w.file("leads.jsonl", lines.joined(separator: "\n") + "\n"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(
            try w.ok("criteria", "what-if", "--rules", "employees >= 50", "--since", "2026-02-01", "--until", "2026-03-01", "--json").stdout.utf8)) as? [String: Any])
        #expect(report["leads"] as? Int == 13 && report["evaluable"] as? Int == 12)
        func counts(_ side: Any?) -> [Int] {
            let o = side as! [String: Any]
            return ["sent", "accepted", "rejected", "converted"].map { o[$0] as! Int }
        }
        #expect(counts(report["qualified"]) == expected.qualified)
        #expect(counts(report["not_qualified"]) == expected.not)
        #expect(((report["qualified"] as! [String: Any])["revenue"] as! Double) == Double(expected.qualified[3]) * 1000)
        let by = report["by"] as! [[String: Any]]
        #expect(by.map { $0["key"] as! String } == ["referral", "webinar"])
        #expect(by.map { counts($0["qualified"])[0] + counts($0["not_qualified"])[0] }.reduce(0, +) == 12)
        #expect(try w.run("criteria", "what-if", "--rules", "employees >=", "--json").status == 2)
        #expect(try w.run("criteria", "what-if").status == 64)
    }
}

import Foundation
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
}

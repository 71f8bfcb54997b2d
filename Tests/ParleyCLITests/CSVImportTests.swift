import Foundation
import ParleyCore
import Testing

/// CRM exports, each a small fixture written here, through `parley import csv`.
@Suite struct CSVImportTests {
    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.ok("init")
        return w
    }

    private func events(_ w: Workspace) throws -> [JSONValue] {
        try w.ok("log", "--json").stdout.split(separator: "\n").map { try JSONValue.parse(String($0)) }
    }

    /// BOM, CRLF, quotes, an embedded newline, empty cells, an unknown status.
    static let hubspot = "\u{FEFF}Record ID,First Name,Original Source,Original Source Drill-Down 1,Lead Status,Lifecycle Stage,"
        + "Became a Marketing Qualified Lead Date,Became a Sales Qualified Lead Date,Contact owner,Became a Customer Date,HubSpot Score\r\n"
        + "101,\"Ann \"\"the\"\" Lee\",Organic Search,,Open,Marketing Qualified Lead,2026-01-05 09:30,,Sam Ortiz,,55\r\n"
        + "102,\"Bob\nSmith\",Paid Search,spring-promo,Unqualified,Lead,01/06/2026 10:00 AM,01/07/2026 02:00 PM,Sam Ortiz,,\r\n"
        + "103,Cy,,,In Progress,Customer,2026-01-07T08:00:00Z,2026-01-08,zoe@sales,2026-02-01,80\r\n"
        + "104,Di,Referral,,Weird Status,Lead,2026-01-08,,,,abc\r\n"
        + "105,Ed,Referral,,Weird Status,Lead,2026-01-09,,,,\r\n"

    @Test func aHubSpotExport() throws {
        let w = try workspace()
        let file = try w.file("contacts.csv", Self.hubspot)
        let result = try w.ok("import", "csv", file, "--preset", "hubspot", "--as", "mia@marketing")
        #expect(result.stdout == "imported 5 rows as 8 events\n")
        #expect(result.stderr.contains("note: unknown status values, imported without a verdict: \"Weird Status\" ×2\n"))
        #expect(result.stderr.contains("\"abc\" ×1"))
        #expect(result.stderr.contains("Sam Ortiz → sam.ortiz@crm"))
        #expect(result.stderr.contains("columns not imported: First Name\n"))
        let log = try events(w)
        #expect(log.map { "\($0["stream"]!.stringValue!) \($0["type"]!.stringValue!)" } == [
            "lead/101 lead.sent", "lead/102 lead.sent", "lead/102 lead.rejected", "lead/103 lead.sent", "lead/103 lead.accepted",
            "lead/103 lead.converted", "lead/104 lead.sent", "lead/105 lead.sent",
        ])
        let sent102 = log[1]
        #expect(sent102["occurred_at"] == .string("2026-01-06T10:00:00Z"))
        #expect(sent102["data"]?["campaign"] == .string("spring-promo"))
        #expect(sent102["data"]?["assigned_to"] == .string("sam.ortiz@crm"))
        #expect(sent102["meta"]?["import"] == .object(["file": .string("contacts.csv"), "row": .integer(3)]))
        #expect(log[2]["occurred_at"] == .string("2026-01-07T14:00:00Z"), "verdict at the SQL date")
        #expect(log[3]["data"]?["source"] == .string("unknown"), "an empty source")
        #expect(log[5]["occurred_at"] == .string("2026-02-01T00:00:00Z"))
        // The same file again adds nothing.
        #expect(try w.ok("import", "csv", file, "--preset", "hubspot", "--as", "mia@marketing").stdout.contains("as 0 events; 8 already in the log"))
    }

    @Test func aSalesforceExportWithDealsInASecondFile() throws {
        let w = try workspace()
        let leads = try w.file("leads.csv", """
            id;LEADSOURCE;STATUS;isConverted;ConvertedDate;CreatedDate;OwnerId
            00Q1;Web;Closed - Converted;true;2026-02-03;2026-01-05T09:30:00.000+0000;0055e000001AbcD
            00Q2;;Closed - Not Converted;false;;2026-01-06T09:30:00.000+0000;0055e000001AbcD
            00Q3;Event;Working - Contacted;0;;2026-01-07T09:30:00.000+0000;

            """)
        let deals = try w.file("deals.csv", "LeadId,CloseDate,Amount\n00Q3,2026-03-01,\"12,500.00\"\n")
        try w.ok("import", "csv", leads, "--preset", "salesforce", "--delimiter", ";", "--outcomes", deals, "--outcome-delimiter", ",",
                 "--outcome-map", "lead=LeadId", "--outcome-map", "converted_at=CloseDate", "--outcome-map", "amount=Amount", "--as", "mia@marketing")
        let log = try events(w)
        #expect(log.map { $0["type"]!.stringValue! } == ["lead.sent", "lead.accepted", "lead.converted", "lead.sent", "lead.rejected",
                                                        "lead.sent", "lead.accepted", "lead.converted"])
        #expect(log[0]["occurred_at"] == .string("2026-01-05T09:30:00Z"))
        #expect(log[7]["data"]?["amount"] == .integer(12500))
        #expect(log[7]["occurred_at"] == .string("2026-03-01T00:00:00Z"))
        let quality = try JSONValue.parse(try w.ok("quality", "--json").stdout)
        #expect(quality[0]?["sent"] != nil)
    }

    @Test func anyCSVWithAMapping() throws {
        let w = try workspace()
        let file = try w.file("export.csv", "mql_id;origin;first_contact_date;stage\nM-1;webinar;2026-04-01;qualified\nM-2;webinar;2026-04-02;\n")
        try w.ok("import", "csv", file, "--map", "lead=mql_id", "--map", "source=origin", "--map", "sent_at=first_contact_date",
                 "--map", "status=stage", "--delimiter", ";", "--as", "mia@marketing")
        #expect(try events(w).map { $0["type"]!.stringValue! } == ["lead.sent", "lead.accepted", "lead.sent"])
        let missing = try w.run("import", "csv", file, "--map", "lead=id", "--map", "sent_at=first_contact_date", "--delimiter", ";", "--as", "mia@marketing")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no column for lead (looked for \"id\")"))
    }

    @Test func aBadRowWritesNothingUnlessTheRestIsAskedFor() throws {
        let w = try workspace()
        let file = try w.file("bad.csv", "lead,source,sent\nA-1,web,2026-01-01\nA-2,web,someday\nA-3,web,2026-01-03\n")
        let refused = try w.run("import", "csv", file, "--map", "lead=lead", "--map", "source=source", "--map", "sent_at=sent", "--as", "mia@marketing")
        #expect(refused.status == 2)
        #expect(refused.stderr == "parley: error: \(file): row 3, column \"sent\": cannot read the date \"someday\"; use 2026-01-05, 2026-01-05 09:30, 01/05/2026 or RFC 3339; nothing written\n")
        #expect(try events(w).isEmpty)
        let rejects = w.folder.appending(path: "rejects.jsonl")
        try w.ok("import", "csv", file, "--map", "lead=lead", "--map", "sent_at=sent", "--as", "mia@marketing", "--skip-invalid", rejects.path)
        #expect(try events(w).count == 2)
        let rejected = try JSONValue.parse(try String(contentsOf: rejects, encoding: .utf8))
        #expect(rejected["line"] == .integer(3))
        #expect(rejected["text"] == .string("A-2,web,someday"))
    }

    @Test func stateRulesHoldForImportedHistory() throws {
        let w = try workspace()
        let file = try w.file("twice.csv", "lead,sent,status\nB-1,2026-01-01,accepted\nB-2,2026-01-01,\nB-1,2026-01-02,rejected\n")
        let refused = try w.run("import", "csv", file, "--map", "lead=lead", "--map", "sent_at=sent", "--map", "status=status", "--as", "mia@marketing")
        #expect(refused.status == 7)
        #expect(refused.stderr.contains("row 4: lead B-1 was already sent"))
        #expect(try events(w).isEmpty)
    }

    @Test func aFileFarWiderThanAnyCRMExportIsRefusedInOneLine() throws {
        // Found by scripts/torture (hostile input): 10,000 columns were read row by row whole.
        let w = try workspace()
        let header = (0..<10_000).map { "c\($0)" }.joined(separator: ",")
        let row = (["W-1", "2026-01-05T09:30:00Z"] + (2..<10_000).map(String.init)).joined(separator: ",")
        let file = try w.file("wide.csv", header + "\n" + row + "\n")
        let refused = try w.run("import", "csv", file, "--map", "lead=c0", "--map", "sent_at=c1", "--as", "mia@marketing")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the header has 10000 columns; a CRM export has at most 2000"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        #expect(try events(w).isEmpty)
    }

    @Test func columnsCarriedIntoAttributesLetCriteriaRulesRunOnImportedLeads() throws {
        let w = try workspace()
        let file = try w.file("contacts.csv", """
            Record ID,Create Date,Original Source,Number of Employees,Job Title,Country,Zip
            A-1,2026-01-05,Webinar,120,Director,DE,01234
            A-2,2026-01-06,Webinar,12,Manager,FR,75001
            A-3,2026-01-07,Referral,,VP,NL,
            A-4,2026-01-08,Referral,400.5,intern,US,10001

            """)
        try w.ok("import", "csv", file, "--preset", "hubspot", "--attribute", "Number of Employees=employees",
                 "--attribute", "Job Title=title", "--attribute", "Country", "--attribute", "zip", "--as", "mia@marketing")
        let sent = try events(w).filter { $0["type"]?.stringValue == "lead.sent" }
        #expect(sent.count == 4)
        let first = try #require(sent.first?["data"]?["attributes"])
        #expect(first["employees"] == .integer(120))
        #expect(first["title"] == .string("Director"))
        #expect(first["country"] == .string("DE"))
        #expect(first["zip"] == .string("01234"))
        #expect(sent[2]["data"]?["attributes"]?["employees"] == nil)
        #expect(sent[3]["data"]?["attributes"]?["employees"] == .double(400.5))

        // Counted by hand: employees >= 50 holds for A-1 and A-4, not for A-2;
        // A-3 has no value for it, so the rules cannot be checked on it.
        let whatIf = try JSONValue.parse(try w.ok("criteria", "what-if", "--rules", "employees >= 50", "--json").stdout
            .trimmingCharacters(in: .newlines))
        #expect(whatIf["leads"] == .integer(4))
        #expect(whatIf["evaluable"] == .integer(3))
        #expect(whatIf["qualified"]?["sent"] == .integer(2))
        #expect(whatIf["not_qualified"]?["sent"] == .integer(1))

        let missing = try w.run("import", "csv", file, "--preset", "hubspot", "--attribute", "Revenue", "--as", "mia@marketing")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--attribute: no column \"Revenue\" to carry into the leads' attributes"))
        let nameless = try w.run("import", "csv", file, "--preset", "hubspot", "--attribute", "=employees", "--as", "mia@marketing")
        #expect(nameless.status == 64 && nameless.stderr.contains("--attribute takes COLUMN or COLUMN=NAME"))
    }
}

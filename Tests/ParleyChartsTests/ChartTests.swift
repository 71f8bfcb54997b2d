import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ParleyCharts

/// What a chart's SVG holds, read back with an XML parser: the value axis'
/// ticks (where each grid line is and what its label says), and each
/// series' points or bars.
final class DrawnChart: NSObject, XMLParserDelegate {
    struct Mark { var series: Int; var index: Int; var x: Double; var y: Double; var height: Double? }
    var ticks: [(y: Double, label: String)] = []
    var marks: [Mark] = []
    var texts: [String] = []
    var seriesNames: [String] = []
    /// Category labels: where each is anchored, and whether it is slanted.
    var categories: [(x: Double, y: Double, slanted: Bool)] = []
    /// The top of each legend swatch.
    var legendY: [Double] = []
    var height = 0.0
    private var series = -1
    private var gridY: Double?
    private var inTickLabel = false
    private var text = ""

    static func read(_ svg: String) throws -> DrawnChart {
        let chart = DrawnChart()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = chart
        guard parser.parse() else {
            throw ParseFailure(error: parser.parserError.map { "\($0)" } ?? "unknown", line: parser.lineNumber)
        }
        return chart
    }

    struct ParseFailure: Error { var error: String; var line: Int }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        let number = { (key: String) in Double(attributes[key] ?? "") }
        switch (name, attributes["class"]) {
        case ("svg", _): height = number("height") ?? 0
        case ("text", "category"):
            categories.append((number("x")!, number("y")!, attributes["transform"]?.hasPrefix("rotate(-40 ") == true))
        case ("rect", nil) where attributes["width"] == "14": legendY.append(number("y")!)
        case ("line", "grid"): gridY = number("y1")
        case ("text", "tick-label"): inTickLabel = true
        case ("g", "series"):
            series = Int(attributes["data-series"] ?? "") ?? -1
            seriesNames.append(attributes["data-name"] ?? "")
        case ("circle", "point"):
            marks.append(Mark(series: series, index: Int(attributes["data-index"]!)!, x: number("cx")!, y: number("cy")!))
        case ("rect", "bar"):
            marks.append(Mark(series: series, index: Int(attributes["data-index"]!)!, x: number("x")!, y: number("y")!,
                              height: number("height")))
        default: break
        }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" {
            texts.append(text)
            if inTickLabel, let gridY { ticks.append((gridY, text)) }
            inTickLabel = false
        }
    }

    /// The value at height `y`, from the two outermost ticks' positions and labels.
    func value(at y: Double) -> Double {
        func parse(_ label: String) -> Double {
            label.hasSuffix("%") ? Double(label.dropLast())! / 100 : Double(label.replacingOccurrences(of: ",", with: ""))!
        }
        let low = ticks.first!, high = ticks.last!
        let (v0, v1) = (parse(low.label), parse(high.label))
        return v0 + (y - low.y) / (high.y - low.y) * (v1 - v0)
    }
}

@Test func lineChartPointsReadBackAsTheirValues() throws {
    let series = [ChartSeries("Partner & <Co>", [12, 17, nil, 40, 3]), ChartSeries("Webinar", [0, 5, 9, 1_234, 7])]
    let chart = LineChart(title: "Leads \"sent\" per week", categories: ["W1", "W2", "W3", "W4", "W5"], series: series,
                          markers: [ChartMarker(at: 1.5, "criteria v2")])
    let drawn = try DrawnChart.read(chart.svg())
    #expect(drawn.ticks.count >= 2)
    #expect(drawn.seriesNames == ["Partner & <Co>", "Webinar"])
    for (number, line) in series.enumerated() {
        let points = drawn.marks.filter { $0.series == number }
        #expect(points.map(\.index) == line.values.indices.filter { line.values[$0] != nil })
        for point in points {
            let expected = try #require(line.values[point.index])
            #expect(abs(drawn.value(at: point.y) - expected) < 0.5, "series \(number) point \(point.index)")
        }
        // Later categories lie further right.
        #expect(points.map(\.x) == points.map(\.x).sorted())
    }
    #expect(drawn.texts.contains("criteria v2"))
    #expect(drawn.texts.contains("Leads \"sent\" per week"))
}

@Test func barChartHeightsReadBackAsTheirShares() throws {
    let series = [ChartSeries("this period", [0.62, 0.1, 1]), ChartSeries("last period", [0.5, nil, 0.333])]
    let chart = BarChart(title: "Acceptance", categories: ["Partner", "Webinar", "Ads"], series: series, format: .percent)
    let drawn = try DrawnChart.read(chart.svg())
    #expect(drawn.ticks.map(\.label) == ["0%", "25%", "50%", "75%", "100%"])
    #expect(drawn.marks.count == 5)
    for mark in drawn.marks {
        let expected = try #require(series[mark.series].values[mark.index])
        #expect(abs(drawn.value(at: mark.y) - expected) < 0.005)
        // The bar stands on the zero line.
        #expect(abs(mark.y + mark.height! - drawn.ticks.first!.y) < 0.02)
    }
}

@Test func barLabelsTooWideForTheirPlaceAreSlantedAndKeptInside() throws {
    let names = (1...12).map { "rep\($0)@sales.example.com" }
    let level = try DrawnChart.read(BarChart(title: "In time", categories: ["Partner", "Ads"], series: [ChartSeries("now", [0.5, 0.2])],
                                             format: .percent).svg())
    let svg = BarChart(title: "In time", categories: names, series: [ChartSeries("now", names.map { _ in 0.5 })], format: .percent).svg()
    let slanted = try DrawnChart.read(svg)
    #expect(level.categories.allSatisfy { !$0.slanted })
    #expect(slanted.categories.count == names.count)
    #expect(slanted.categories.allSatisfy { $0.slanted })
    // Cut to 18 characters, the whole name in a tooltip (read first: the label's text is its tooltip, then what shows).
    #expect(slanted.texts.contains("rep1@sales.example.com" + "rep1@sales.exampl…"))
    // The longest label reaches 18 × 6.5 points along its slant: down sin 40° of it, left cos 40°.
    let reach = 18 * 6.5
    let label = try #require(slanted.categories.first)
    #expect(label.x - reach * 0.766 >= 0, "the first label stays inside the chart")
    let legend = try #require(slanted.legendY.first)
    #expect(legend > label.y + reach * 0.643, "the legend sits below the labels")
    #expect(slanted.height >= level.height + reach * 0.643)
}

@Test func tooManyCategoriesChartTheLowest() {
    #expect(BarChart.lowest([0.5, nil, 0.1]) == [0, 1, 2])
    let values: [Double?] = (0..<20).map { index -> Double? in index == 3 ? nil : Double((index * 7) % 20) / 20 }
    let shown = BarChart.lowest(values)
    #expect(shown.count == BarChart.mostCategories)
    let expected: [Double] = Array(values.compactMap { $0 }.sorted().prefix(12))
    #expect(shown.map { values[$0]! } == expected)
}

@Test(arguments: [[0.0], [1.0], [7.0, 3], [99.0], [101.0, 2], [1_250.0], [0.4]])
func valueAxisCoversTheLargestValueWithRoundTicks(_ values: [Double]) {
    let axis = ValueAxis(values: values, format: .number)
    #expect(axis.maximum >= values.max()!)
    #expect(axis.ticks.first == 0 && axis.ticks.last == axis.maximum)
    #expect((2...6).contains(axis.ticks.count))
}

@Test func textFromTheLogIsEscaped() throws {
    let evil = "</text><script>alert(1)</script>"
    let svg = LineChart(title: evil, categories: [evil], series: [ChartSeries(evil, [1])]).svg()
    #expect(!svg.contains("<script>"))
    let drawn = try DrawnChart.read(svg)
    #expect(drawn.texts.contains(evil))
}

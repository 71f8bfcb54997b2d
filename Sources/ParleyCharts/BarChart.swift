/// Bars grouped by category, one bar per series in each group (this
/// period beside the last, say), each with its value written above it.
public struct BarChart: Sendable, Equatable {
    public var title: String
    public var categories: [String]
    public var series: [ChartSeries]
    public var format: ValueFormat
    public var width: Double
    public var height: Double

    public init(title: String, categories: [String], series: [ChartSeries], format: ValueFormat = .number,
                width: Double = 720, height: Double = 300) {
        self.title = title
        self.categories = categories
        self.series = series
        self.format = format
        self.width = width
        self.height = height
    }

    /// The chart as one `<svg>` element.
    public func svg() -> String {
        let names = series.map(\.name)
        let rows = ChartCanvas.legendRows(names, width: width, left: 56, right: 16)
        // Labels wider than their place are slanted: they take more room below the plot, and
        // the first may need more on the left.
        let slanted = ChartCanvas.slantedLength(categories, room: (width - 56 - 16) / Double(max(1, categories.count)))
        let depth = (slanted * 0.643).rounded(.up)
        var frame = Frame(width: width, height: height + Double(max(0, rows - 1)) * 16 + depth, bottom: 44 + Double(rows) * 16 + depth)
        if slanted > 0 {
            let firstMiddle = frame.plotWidth / Double(categories.count) / 2
            frame.left = max(frame.left, (slanted * 0.766 - firstMiddle + 8).rounded(.up))
        }
        let axis = ValueAxis(values: series.flatMap { $0.values.compactMap { $0 } }, format: format)
        var canvas = ChartCanvas(frame: frame, title: title, axis: axis, format: format)
        canvas.labelDepth = depth
        canvas.valueAxis()
        let band = frame.plotWidth / Double(max(1, categories.count))
        let inner = band * 0.8
        let barWidth = inner / Double(max(1, series.count))
        canvas.categoryAxis(categories, thin: false) { frame.left + band * (Double($0) + 0.5) }
        let baseline = frame.top + frame.plotHeight
        for (index, bars) in series.enumerated() {
            canvas.out += "<g class=\"series\" data-series=\"\(index)\" data-name=\"\(Markup.escape(bars.name))\">"
            for (position, value) in bars.values.enumerated() where position < categories.count {
                guard let value else { continue }
                let x = frame.left + band * Double(position) + band * 0.1 + barWidth * Double(index)
                let top = frame.y(value, axis)
                canvas.out += "<rect class=\"bar\" data-index=\"\(position)\" x=\"\(coordinate(x + 1))\" y=\"\(coordinate(top))\" width=\"\(coordinate(max(1, barWidth - 2)))\" height=\"\(coordinate(baseline - top))\" fill=\"\(Palette.colour(index))\"><title>\(Markup.escape("\(bars.name), \(categories[position]): \(format.text(value))"))</title></rect>"
                if barWidth >= 22 {
                    canvas.out += "<text class=\"bar-label\" x=\"\(coordinate(x + barWidth / 2))\" y=\"\(coordinate(top - 3))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#333\">\(Markup.escape(format.text(value)))</text>"
                }
            }
            canvas.out += "</g>"
        }
        canvas.legend(names)
        return canvas.close()
    }

    /// Groups of bars a chart shows at most: more would be too thin to
    /// read, and so would their labels.
    public static let mostCategories = 12

    /// Which categories to chart when there may be too many: the places of
    /// the ``mostCategories`` with the lowest `values` (those without one
    /// last), lowest first; all of them, in their order, when there are no more.
    public static func lowest(_ values: [Double?]) -> [Int] {
        guard values.count > mostCategories else { return Array(values.indices) }
        let ranked = values.indices.sorted { a, b in
            switch (values[a], values[b]) {
            case let (x?, y?): x == y ? a < b : x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a < b
            }
        }
        return Array(ranked.prefix(mostCategories))
    }
}

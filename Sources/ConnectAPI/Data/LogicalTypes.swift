/// Connect's logical types: their schema names and schema builders.
public enum LogicalType {
    public static let decimalName = "org.apache.kafka.connect.data.Decimal"
    public static let dateName = "org.apache.kafka.connect.data.Date"
    public static let timeName = "org.apache.kafka.connect.data.Time"
    public static let timestampName = "org.apache.kafka.connect.data.Timestamp"
    public static let scaleParameter = "scale"

    public static func decimal(scale: Int32, optional: Bool = false, precision: Int? = nil) -> Schema {
        var params = [(scaleParameter, String(scale))]
        if let precision { params.append(("connect.decimal.precision", String(precision))) }
        return Schema(type: .bytes, optional: optional, name: decimalName, version: 1, parameters: params)
    }
    public static func date(optional: Bool = false) -> Schema {
        Schema(type: .int32, optional: optional, name: dateName, version: 1)
    }
    public static func time(optional: Bool = false) -> Schema {
        Schema(type: .int32, optional: optional, name: timeName, version: 1)
    }
    public static func timestamp(optional: Bool = false) -> Schema {
        Schema(type: .int64, optional: optional, name: timestampName, version: 1)
    }
}

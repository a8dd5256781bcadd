//! Word lists that drive the pattern matchers: measure words that take 两,
//! Latin units, currencies, and the context cues for digit strings, scores
//! and N年. Edit these lists, not the matchers, to tune coverage.

/// After exactly "2", these read 两 (两个, 两年后, 两人). Not 月/日/号/路/楼/层/分/两.
pub(super) const MEASURE_WORDS: &[&str] = &[
    "个", "人", "名", "次", "种", "位", "条", "家", "天", "岁", "年", "件", "只", "本", "张", "台",
    "辆", "架", "艘", "座", "所", "项", "批", "场", "届", "季", "周", "份", "副", "双", "对", "套",
    "把", "支", "根", "块", "片", "户", "笔", "篇", "首", "部", "门", "栋", "幢", "头", "匹", "株",
    "棵", "枚", "颗", "粒", "倍", "成", "点", "样", "类", "轮", "期", "组", "队", "方", "句", "段",
    "处", "间", "排", "代", "趟", "遍", "声", "杯", "瓶", "袋", "箱", "包", "斤", "元", "角", "毛",
    "米", "公里", "公斤", "吨", "小时", "分钟", "秒钟", "星期", "礼拜", "万", "亿", "千",
];

/// "2千克" is 二千克 (two kilograms), not 两千克 (two thousand grams).
pub(super) const QIAN_UNITS: &[&str] = &["千克", "千米", "千瓦", "千卡", "千伏", "千帕", "千兆"];

/// Latin units after a number, longest first; `°C`-style temperatures marked.
pub(super) const UNITS: &[(&str, &str)] = &[
    ("kW·h", "千瓦时"),
    ("km/h", "公里"),
    ("km²", "平方千米"),
    ("cm²", "平方厘米"),
    ("mm²", "平方毫米"),
    ("cm³", "立方厘米"),
    ("dm³", "立方分米"),
    ("mm³", "立方毫米"),
    ("kcal", "千卡"),
    ("mmol", "毫摩尔"),
    ("kWh", "千瓦时"),
    ("mAh", "毫安时"),
    ("km2", "平方千米"),
    ("cm2", "平方厘米"),
    ("kHz", "千赫兹"),
    ("MHz", "兆赫兹"),
    ("GHz", "吉赫兹"),
    ("kPa", "千帕"),
    ("MPa", "兆帕"),
    ("hPa", "百帕"),
    ("mol", "摩尔"),
    ("m²", "平方米"),
    ("m³", "立方米"),
    ("m2", "平方米"),
    ("m3", "立方米"),
    ("°C", "摄氏度"),
    ("°F", "华氏度"),
    ("m/s", "米"),
    ("min", "分钟"),
    ("kg", "千克"),
    ("km", "千米"),
    ("dm", "分米"),
    ("cm", "厘米"),
    ("mm", "毫米"),
    ("μm", "微米"),
    ("nm", "纳米"),
    ("mg", "毫克"),
    ("μg", "微克"),
    ("ml", "毫升"),
    ("mL", "毫升"),
    ("ms", "毫秒"),
    ("μs", "微秒"),
    ("ns", "纳秒"),
    ("kW", "千瓦"),
    ("MW", "兆瓦"),
    ("GW", "吉瓦"),
    ("kV", "千伏"),
    ("kN", "千牛"),
    ("Hz", "赫兹"),
    ("dB", "分贝"),
    ("Pa", "帕"),
    ("ha", "公顷"),
    ("℃", "摄氏度"),
    ("℉", "华氏度"),
    ("°", "度"),
    ("m", "米"),
    ("g", "克"),
    ("s", "秒"),
    ("h", "小时"),
    ("t", "吨"),
    ("L", "升"),
    ("W", "瓦"),
    ("V", "伏"),
    ("w", "万"),
];

/// Units read before the number: 10km/h → 每小时十公里.
pub(super) fn per_unit_prefix(unit: &str) -> Option<&'static str> {
    match unit {
        "km/h" => Some("每小时"),
        "m/s" => Some("每秒"),
        _ => None,
    }
}

/// Currencies by code or sign, read after the amount whether written
/// before it (`USD 5`, `$5`) or after it (`5 USD`, `5$`), longest first.
pub(super) const CURRENCIES: &[(&str, &str)] = &[
    ("HK$", "港元"),
    ("US$", "美元"),
    ("NT$", "新台币"),
    ("A$", "澳元"),
    ("C$", "加元"),
    ("S$", "新加坡元"),
    ("HKD", "港元"),
    ("USD", "美元"),
    ("CNY", "人民币"),
    ("RMB", "人民币"),
    ("EUR", "欧元"),
    ("JPY", "日元"),
    ("GBP", "英镑"),
    ("AUD", "澳元"),
    ("CAD", "加元"),
    ("SGD", "新加坡元"),
    ("CHF", "瑞士法郎"),
    ("KRW", "韩元"),
    ("TWD", "新台币"),
    ("MOP", "澳门元"),
    ("RUB", "卢布"),
    ("INR", "卢比"),
    ("$", "美元"),
    ("€", "欧元"),
    ("£", "英镑"),
    ("₩", "韩元"),
    ("￥", "元"),
    ("¥", "元"),
];

/// Money words after an amount: trailing decimal zeros are dropped (36.00元 → 三十六元).
pub(super) const MONEY_WORDS: &[&str] = &[
    "元",
    "块",
    "美元",
    "欧元",
    "英镑",
    "日元",
    "港元",
    "韩元",
    "澳元",
    "人民币",
    "万元",
    "亿元",
];

/// Digits with 幺 after these (尾号为1702 → 尾号为幺七零二).
pub(super) const PHONE_CUES: &[&str] = &[
    "电话", "拨打", "致电", "热线", "尾号", "号码", "手机", "短号", "总机", "传真", "客服",
];
/// Digits with 一 after these (编号27149 → 二七一四九).
pub(super) const ID_CUES: &[&str] = &[
    "编号", "代码", "代号", "账号", "卡号", "工号", "学号", "邮编", "型号",
];
/// Filler between a cue and its number.
pub(super) const CUE_FILLERS: &[char] = &['为', '是', '：', ':', ' ', '“', '"'];

/// Service numbers read with 幺 unless a count follows (110人); shaped
/// ones (`patterns::service_shaped`: 95xxx, 96xxx, 12xxx, 100xx) too.
pub(super) const SERVICE_NUMBERS: &[&str] = &[
    "110", "119", "120", "122", "114", "12306", "12315", "12345", "12348", "12369", "10086",
    "10010", "95588",
];
pub(super) const SERVICE_AFTER: &[&str] = &["报警", "热线", "急救", "电话", "查询", "服务", "求助"];
/// What makes the number before it a count or an amount, not a service
/// number (110人, 12345元, 12315万): a measure or date word, a sign.
pub(super) const COUNT_AFTER: &[&str] = &[
    "年", "月", "日", "号", "时", "点", "分", "秒", "万", "亿", "千", "百", "多", "余", "几", "来",
    "以上", "以下", "左右", "上下", "%", "‰", "米", "克", "度", "级", "平方", "立方", "公", "亩",
    "辆", "户", "元", "美元", "欧元",
];
/// Words before a number that make it a count (第110, 约12000, 共12315).
pub(super) const COUNT_BEFORE: &[&str] = &[
    "第", "约", "近", "共", "达", "逾", "超", "计", "有", "增", "减", "涨", "降", "至", "到", "每",
    "占", "仅", "只", "了", "余", "额", "数", "量", "为", "是",
];
/// Road numbers read digit by digit with 幺 (110国道).
pub(super) const ROAD_WORDS: &[&str] = &["国道", "省道", "县道"];
/// Project names read digit by digit (985工程).
pub(super) const NAMED_CODES: &[&str] = &["985", "211"];
pub(super) const NAMED_CODE_AFTER: &[&str] = &["工程", "大学", "高校", "院校"];

/// A score cue in the same clause turns 17:16, 1-2 and 2/2 into 比.
pub(super) const SCORE_CUES: &[&str] = &[
    "比分",
    "比赛",
    "战胜",
    "击败",
    "负于",
    "战平",
    "逼平",
    "逆转",
    "比例",
    "比值",
    "爆冷",
    "大胜",
    "力克",
    "不敌",
    "对阵",
    "险胜",
    "完胜",
    "惜败",
    "憾负",
    "取胜",
    "获胜",
    "告负",
    "主场",
    "客场",
    "进球",
    "半场",
    "全场",
    "决赛",
    "联赛",
    "小组赛",
    "vs",
    "VS",
    "以",
];
/// Right after a score: the result (2-1胜, 1-2负于).
pub(super) const SCORE_AFTER: &[&str] = &["胜", "负", "平", "战胜", "击败", "告负", "取胜", "获胜"];
/// Before a number these make `N-M` a range or `N/M` a fraction, never a
/// score after a team name (的1/16, 第1-2, 约1-2).
pub(super) const NOT_TEAM: &[char] = &[
    '第', '约', '近', '共', '的', '是', '为', '有', '在', '从', '由', '了', '达', '和', '或', '至',
    '每', '前', '后', '年', '月', '日', '号', '等', '及', '占', '按', '超', '逾', '仅', '只', '各',
    '需', '要', '将', '把', '给', '向', '于', '以', '比', '与', '同', '跟', '低', '高', '增', '降',
];
/// N年 reads as a number (a duration) when one of these comes right before …
/// (1–3 digit N年 is a number anyway, e.g. 20年后, 70年来, 90年代; see mod.rs.)
pub(super) const YEAR_NUMBER_BEFORE: &[&str] = &[
    "近", "约", "历经", "成立", "长达", "约有", "已有", "共有", "逾", "超过", "每", "过去", "整整",
];
/// A 4-digit N年 is a number only when one of these follows 年 (2000多年).
pub(super) const FOUR_DIGIT_NUMBER_AFTER: &[&str] = &["多", "余"];
/// Digit by digit after these, whatever the length (公元前345年).
pub(super) const YEAR_DIGITS_BEFORE: &[&str] = &["公元", "公元前", "纪元"];

/// Year-range suffixes (2019-2020年 → 二零一九到二零二零年).
pub(super) const YEAR_RANGE_AFTER: &[&str] = &["年", "学年", "赛季", "财年"];

/// Latin tokens with a fixed reading (WeTP whitelist).
pub(super) const WHITELIST: &[(&str, &str)] = &[
    ("O2O", "O to O"),
    ("B2G", "B to G"),
    ("C2B", "C to B"),
    ("C2M", "C to M"),
    ("F2C", "F to C"),
    ("P2C", "P to C"),
    ("G2B", "G to B"),
    ("G2C", "G to C"),
    ("M2M", "M to M"),
    ("O2M", "O to M"),
    ("B2B", "B to B"),
    ("B2C", "B to C"),
    ("C2C", "C to C"),
    ("P2P", "P to P"),
];

/// Math operators between numbers, longest first.
pub(super) const OPERATORS: &[(&str, &str)] = &[
    ("<=", "小于等于"),
    (">=", "大于等于"),
    ("+", "加"),
    ("=", "等于"),
    ("≥", "大于等于"),
    ("≤", "小于等于"),
    (">", "大于"),
    ("<", "小于"),
    ("×", "乘"),
    ("÷", "除以"),
    ("≠", "不等于"),
];

/// Comparisons read before a number with none before them (票数≥100万).
pub(super) const COMPARISONS: &[(&str, &str)] = &[
    ("≥", "大于等于"),
    ("≤", "小于等于"),
    (">", "大于"),
    ("<", "小于"),
    ("≠", "不等于"),
];

/// Range separators between two numbers (read 到).
pub(super) const RANGE_SEPS: &[char] = &['-', '－', '~', '～', '—', '–'];
/// Clause boundaries that stop a backwards cue search.
pub(super) const CLAUSE_END: &[char] = &['，', '。', '；', '！', '？', ',', ';', '!', '?', '\n'];

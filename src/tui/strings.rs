//! Every user-facing string of the TUI, zh-CN and English. `{}`-style holes are filled
//! with `fill`.

use crate::i18n::Lang;

macro_rules! msgs {
    ($( $variant:ident => $zh:literal, $en:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $( $variant, )* }

        impl Msg {
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Msg::$variant, Lang::Zh) => $zh, (Msg::$variant, Lang::En) => $en, )*
                }
            }
        }
    };
}

/// Replaces `{0}`, `{1}` … in a message with the given values.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

msgs! {
    AppName => "绩效 jixiao", "jixiao";
    TooSmall => "窗口太小：至少需要 60×20，现在是 {0}×{1}", "window too small: needs at least 60×20, now {0}×{1}";
    Projects => "评价项目", "Evaluation projects";
    ColCode => "编号", "Code";
    ColName => "项目名称", "Name";
    ColUnit => "被评价单位", "Unit";
    ColKind => "类型", "Kind";
    ColYear => "年度", "Year";
    ColAmount => "金额(万元)", "Amount (万元)";
    ColPhase => "阶段", "Phase";
    ColScore => "得分", "Score";
    ColOpen => "未结事项", "Open items";
    ColNext => "下一期限", "Next deadline";
    Totals => "共 {0} 个项目，金额合计 {1} 万元", "{0} projects, {1} 万元 in all";
    FilterPrompt => "筛选", "Filter";
    FilterHint => "（输入名称、单位或编号；Enter 确定，Esc 清除）", "(name, unit or code; Enter keeps, Esc clears)";
    SortedBy => "排序：{0}{1}", "sorted by {0}{1}";
    NoProjects => "没有项目。按 n 新建，或运行 jixiao demo 体验演示库。", "No projects. Press n to create one, or run jixiao demo.";
    NoMatch => "没有符合「{0}」的项目", "no project matches “{0}”";
    Archived => "已归档", "archived";
    HelpTitle => "按键帮助：{0}", "Keys: {0}";
    HelpFooter => "按键可在 keymap.toml 中修改（见 keymaps/README.md）", "keys can be changed in keymap.toml (see keymaps/README.md)";
    ListFooter => "↑↓ 滚动 · Esc 关闭", "↑↓ scroll · Esc close";
    KeymapTitle => "按键文件有误", "Keymap file errors";
    NoticeFooter => "Enter 或 Esc 关闭", "Enter or Esc to close";
    DraftFooter => "y 恢复草稿 · n 用已保存的内容", "y restore the draft · n use the saved text";
    DraftTitle => "发现草稿", "Draft found";
    ScScoreFirst => "这一项还没有得分：先按 e 评分，再填写评分依据和佐证资料", "this leaf has no score yet: score it with e first, then write the basis and add evidence";
    ScReviewedFirst => "这一项已复核：先按 R 取消复核（需说明理由）再修改", "this score is reviewed: un-review it with R (with a reason) before changing it";
    FieldIndicatorName => "指标名称", "Indicator name";
    ErrorTitle => "保存失败", "Not saved";
    ErrorFooter => "Enter 或 Esc 关闭；输入的内容仍在表单中", "Enter or Esc to close; what you typed is still in the form";
    ConfirmTitle => "请确认", "Please confirm";
    ConfirmFooter => "y 确认 · n 取消", "y confirm · n cancel";
    KeymapErrors => "按键文件有误，已使用默认按键：", "keymap file has errors; using the default keys:";
    NewProject => "新建评价项目", "New evaluation project";
    EditProject => "编辑项目 {0}", "Edit project {0}";
    FieldCode => "编号", "Code";
    FieldName => "项目名称", "Name";
    FieldUnit => "被评价单位", "Evaluated unit";
    FieldKind => "评价类型", "Kind";
    FieldYear => "年度", "Fiscal year";
    FieldAmount => "金额（万元）", "Amount (万元)";
    FieldTemplate => "指标模板", "Template";
    FieldNotes => "资金性质（顿号分隔）", "Fund notes (separated by 、)";
    FieldThirdParty => "第三方机构", "Third-party firm";
    FieldLead => "项目负责人", "Lead";
    FieldMembers => "项目组成员（顿号分隔）", "Members (separated by 、)";
    FieldPhase => "阶段", "Phase";
    FieldReason => "理由", "Reason";
    FormFooter => "Tab/↑↓ 切换字段 · ←→ 切换选项 · Ctrl-s 保存 · Esc 取消", "Tab/↑↓ field · ←→ choice · Ctrl-s save · Esc cancel";
    Required => "不能为空：请填写", "required: please fill it in";
    NotAYear => "「{0}」不是年度：输入如 2020 的四位数字", "“{0}” is not a year: type four digits such as 2020";
    Saved => "已保存", "saved";
    Created => "已创建项目", "project created";
    ArchiveConfirm => "归档项目 {0}「{1}」？归档后只读，重新打开需要说明理由。", "Archive {0} “{1}”? It becomes read-only; reopening needs a reason.";
    ReopenTitle => "重新打开 {0}", "Reopen {0}";
    NotArchived => "{0} 未归档", "{0} is not archived";
    TabOverview => "1 概况", "1 Overview";
    TabScoring => "2 评分", "2 Scoring";
    TabFindings => "3 问题", "3 Findings";
    TabRect => "4 整改", "4 Rectification";
    NextIssue => "此标签页随下一个版本提供（问题、整改通知书与整改台账）。", "This tab comes with the next release (findings, notices and the ledger).";
    OvKind => "评价类型", "Kind";
    OvKindTemplate => "{0}（模板 {1}）", "{0} (template {1})";
    OvYear => "年度", "Fiscal year";
    OvUnit => "被评价单位", "Evaluated unit";
    OvAmount => "金额", "Amount";
    OvNotes => "资金性质", "Fund notes";
    OvFirm => "第三方机构", "Third-party firm";
    OvTeam => "项目组", "Team";
    OvLead => "负责人", "lead";
    OvPhase => "阶段", "Phase";
    OvScore => "得分", "Score";
    OvResult => "等级", "Grade";
    OvConclusion => "评估结论", "Conclusion";
    OvProgress => "评分进度", "Scoring progress";
    OvOpenItems => "未结整改事项", "Open rectification items";
    OvOverdue => "其中逾期", "overdue";
    OvMilestones => "里程碑", "Milestones";
    OvResultUse => "结果应用", "Result use";
    OvNone => "无", "none";
    DaysLeft => "还有 {0} 天", "in {0} days";
    DaysOverdue => "逾期 {0} 天", "{0} days overdue";
    DueToday => "今天到期", "due today";
    Done => "已完成", "done";
    ScHeader => "总分 {0} / {1}　{2}　进度 {3}/{4}", "Total {0} / {1}  {2}  progress {3}/{4}";
    ScProvisional => "{0}（未评完）", "{0} (provisional)";
    ScWeightsBad => "分值不平：末级合计 {0}，应为 {1}", "weights off: leaves sum to {0}, should be {1}";
    ScColIndicator => "指标", "Indicator";
    ScColPoints => "分值", "Points";
    ScColScore => "得分", "Score";
    ScColMethod => "方法", "Method";
    ScColStatus => "状态", "Status";
    ScUnscored => "未评分", "unscored";
    ScScored => "已评分", "scored";
    ScReviewed => "已复核", "reviewed";
    ScBasis => "评分依据", "Basis";
    ScEvidence => "佐证资料", "Evidence";
    ScScorer => "评分人", "Scored by";
    ScNoBasis => "（尚无评分依据：按 b 填写）", "(no basis yet: press b)";
    ScGuide => "评分标准", "Guide";
    ScLeafOnly => "只能给末级指标打分", "only leaves are scored";
    ScEditTitle => "评分：{0}（{1} 分，{2}）", "Score: {0} ({1} points, {2})";
    ScValue => "得分", "Score";
    ScTarget => "目标值", "Target";
    ScActual => "实际值", "Actual";
    ScDirection => "方向", "Direction";
    ScPositive => "正向（越高越好）", "positive (higher is better)";
    ScNegative => "反向（越低越好）", "negative (lower is better)";
    ScBand => "达成程度", "Band";
    ScComputed => "计算得分：{0}", "computed score: {0}";
    ScDeductions => "扣分项（Ctrl-n 添加，Ctrl-d 删除）", "deductions (Ctrl-n add, Ctrl-d remove)";
    ScDeductionPoints => "扣分", "Points";
    ScDeductionReason => "扣分理由", "Reason";
    ScMethodField => "评分方法", "Method";
    ScRange => "允许范围：{0}", "allowed: {0}";
    BasisTitle => "评分依据：{0}（Ctrl-s 保存，Esc 放弃）", "Basis: {0} (Ctrl-s save, Esc discard)";
    DiscardConfirm => "放弃未保存的修改？", "Discard unsaved changes?";
    DraftOffer => "发现未保存的草稿：{0}", "An unsaved draft was found: {0}";
    EvidenceTitle => "添加佐证资料：{0}", "Add evidence: {0}";
    EvidenceField => "文件路径或文件名称", "File path or document name";
    EvidenceHint => "填写存在的文件路径时，记录其大小和 sha256；否则作为文件名称记录", "an existing file path is recorded with its size and sha256; anything else as a document name";
    HistoryTitle => "修改历史：{0}", "History: {0}";
    HistoryEmpty => "没有记录", "no records";
    UnreviewTitle => "取消复核：{0}", "Un-review: {0}";
    ClearConfirm => "清除「{0}」的得分？", "Clear the score of “{0}”?";
    RemoveConfirm => "删除指标「{0}」及其下级？", "Remove “{0}” and everything under it?";
    AddIndicatorTitle => "在「{0}」下添加指标", "Add an indicator under “{0}”";
    AddTopTitle => "添加一级指标", "Add a level-1 indicator";
    RenameTitle => "重命名「{0}」", "Rename “{0}”";
    PointsTitle => "修改「{0}」的分值", "Points of “{0}”";
    FieldPoints => "分值", "Points";
    ReviewedToast => "已复核「{0}」", "reviewed “{0}”";
    PhaseTitle => "设置阶段：{0}", "Phase of {0}";
    TeamTitle => "项目组：{0}", "Team of {0}";
    ReadOnly => "项目已归档，只读（按 O 重新打开）", "the project is archived and read-only (O to reopen)";
}

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
    HelpTitle => "按键帮助：{0}", "Keys: {0}";
    HelpFooter => "按键可在 keymap.toml 中修改（见 keymaps/README.md）", "keys can be changed in keymap.toml (see keymaps/README.md)";
    ListFooter => "↑↓ 滚动 · Esc 关闭", "↑↓ scroll · Esc close";
    KeymapTitle => "按键文件有误", "Keymap file errors";
    NoticeFooter => "Enter 或 Esc 关闭", "Enter or Esc to close";
    DraftFooter => "y 恢复草稿 · n 用已保存的内容", "y restore the draft · n use the saved text";
    DraftTitle => "发现草稿", "Draft found";
    ScScoreFirst => "这一项还没有得分：先按 e 评分，再填写评分依据和佐证资料", "this leaf has no score yet: score it with e first, then write the basis and add evidence";
    ScReviewedFirst => "这一项已复核：先按 R 取消复核（需说明理由）再修改", "this score is reviewed: un-review it with R (with a reason) before changing it";
    FnNone => "还没有问题。按 n 记录一个问题。", "No findings yet. Press n to record one.";
    FnColNo => "编号", "No.";
    FnColState => "状态", "State";
    FnColSeverity => "程度", "Severity";
    FnColCategory => "类别", "Category";
    FnColAmount => "金额", "Amount";
    FnColText => "问题描述", "Finding";
    FnNew => "记录问题：{0}", "New finding: {0}";
    FnEdit => "修改问题 {0}", "Edit finding {0}";
    FnText => "问题描述", "Finding";
    FnCategory => "问题类别", "Category";
    FnSeverity => "严重程度", "Severity";
    FnAmount => "涉及金额（万元，可空）", "Amount (万元, optional)";
    FnIndicators => "对应指标（顿号分隔）", "Indicators (separated by 、)";
    FnIndicatorsLabel => "对应指标", "Indicators";
    FnAlreadyPublished => "问题 {0} 已发布：要修改请按 e 更正", "finding {0} is already published: press e to correct it";
    FnNote => "更正理由", "Reason for the correction";
    FnPublishConfirm => "发布问题 {0}？发布后不能直接修改，只能以更正的方式留下新版本。", "Publish finding {0}? After that it can only be corrected by a new revision.";
    FnWithdrawTitle => "撤回问题 {0}", "Withdraw finding {0}";
    FnWithdrawConfirm => "撤回后该问题不再计入，可在历史中查看。确认撤回？", "A withdrawn finding no longer counts (it stays viewable). Withdraw it?";
    FnRevisions => "历次版本", "Earlier revisions";
    FnWithdrawn => "撤回理由", "Withdrawn because";
    FnItems => "整改事项", "Rectification items";
    FnEvidenceNote => "添加佐证资料", "evidence added";
    FnCategoriesTitle => "问题类别（顿号分隔，可增删）", "Finding categories (separated by 、)";
    FnCategoriesField => "类别", "Categories";
    FnWithdrawnFirst => "该问题已撤回，不能再修改或新建整改事项", "this finding is withdrawn: it cannot be edited or given items";
    ItNone => "还没有整改事项。在「问题」标签页选中问题，按 i 新建。", "No rectification items yet. On the findings tab, select a finding and press i.";
    ItColId => "事项", "Item";
    ItColFinding => "问题", "Finding";
    ItColRequirement => "整改要求", "Requirement";
    ItColUnit => "责任单位", "Unit";
    ItColState => "状态", "State";
    ItColDue => "当前期限", "Due";
    ItColOverdue => "逾期", "Overdue";
    ItColNotice => "通知书", "Notice";
    ItNew => "由问题 {0} 新建整改事项", "New item from finding {0}";
    ItEdit => "修改整改事项 #{0}", "Edit item #{0}";
    ItRequirement => "整改要求", "Requirement";
    ItUnit => "责任单位", "Responsible unit";
    ItContact => "责任人及电话", "Contact";
    ItDue => "整改期限（YYYY-MM-DD）", "Due (YYYY-MM-DD)";
    ItDate => "日期（YYYY-MM-DD）", "Date (YYYY-MM-DD)";
    ItText => "内容", "Text";
    ItEvidence => "佐证资料（文件路径或名称，；分隔）", "Evidence (file paths or names, separated by ;)";
    ItReason => "理由", "Reason";
    ItOpinion => "审核意见", "Reviewer's opinion";
    ItNewDue => "新期限（YYYY-MM-DD）", "New due date (YYYY-MM-DD)";
    ItActionsTitle => "办理整改事项 #{0}（{1}）", "Item #{0} ({1})";
    ItFinal => "事项 #{0} 已{1}，不能再修改", "item #{0} is {1}: it cannot be changed";
    ItNoActions => "事项 #{0} 处于「{1}」，没有可办理的操作", "item #{0} is {1}: nothing can be done now";
    ItCloseConfirm => "销号整改事项 #{0}？销号后不能再修改。", "Close item #{0}? It cannot be changed afterwards.";
    ItCancelConfirm => "撤销整改事项 #{0}？", "Cancel item #{0}?";
    ItStartConfirm => "整改事项 #{0} 开始整改？", "Start work on item #{0}?";
    ItIssueTitle => "下发整改通知书：{0}（{1} 项草稿事项）", "Issue a notice to {0} ({1} draft items)";
    ItIssueDate => "下发日期（YYYY-MM-DD）", "Issue date (YYYY-MM-DD)";
    ItIssueContact => "联系人及电话", "Contact";
    ItIssueNeedsDraft => "选中一项草稿事项再下发通知书：同一单位的草稿事项会一起下发", "select a draft item first: the unit's draft items are issued together";
    ItDraftOnlyDue => "已下达的事项不能直接改期限：请申请延期", "an issued item's due date changes only by an extension";
    ItIssued => "下达", "Issued";
    ItOriginalDue => "原定期限", "Original due";
    ItExtensions => "延期记录", "Extensions";
    ItPending => "待批延期申请", "Pending extension request";
    ItHistory => "办理记录", "History";
    ItOpinionLabel => "审核意见", "Opinion";
    ItClosedOn => "销号日期", "Closed on";
    ItEvidenceList => "佐证资料", "Evidence";
    NotADate => "「{0}」不是日期：按 2026-12-31 的格式填写", "“{0}” is not a date: write it like 2026-12-31";
    ResultUseTitle => "结果应用：{0}", "Result use: {0}";
    RuRecommendation => "建议", "Recommendation";
    RuAmount => "调整金额（万元，可空）", "Amount (万元, optional)";
    RuReason => "理由", "Reason";
    RuPublished => "报告公开日期（可空）", "Report published on (optional)";
    RemoteChange => "{0} 刚提交了 {1}（共 {2} 项更新，已刷新）", "{0} just committed {1} ({2} updates, refreshed)";
    DashHeader => "期限看板 · 截至 {0} · 逾期 {1} · 今天到期 {2} · 7 天内 {3} · {4} 天内共 {5} 项", "Deadlines · as of {0} · {1} overdue · {2} due today · {3} within 7 days · {5} within {4} days";
    DashMine => " · 只看 {0} 的项目", " · {0}'s projects only";
    DashOverdueTitle => "逾期（{0}）", "Overdue ({0})";
    DashUpcomingTitle => "{0} 天内到期（{1}）", "Due within {0} days ({1})";
    DashColDate => "日期", "Date";
    DashColLeft => "剩余", "Left";
    DashColWhat => "事项", "What";
    DashEmpty => "没有", "none";
    DashNotice => "通知书", "notice";
    DashBureauWide => "「{0}」是全局节点，不属于某个项目", "「{0}」 is a bureau-wide date, not a project's";
    DashYearTitle => "{0} 年度 {1} 个项目（y 换）", "{0}: {1} projects (y)";
    DashNoProjects => "这一年度没有评价项目", "no evaluation this year";
    DashEvaluated => "评价金额 {0} 万元", "evaluated {0} 万元";
    DashBudget => "预算总额 {0} 万元（b 修改）", "budget total {0} 万元 (b: change)";
    DashNoBudget => "覆盖率：未设预算总额（b 设置，目标 ≥ {0}%）", "coverage: no budget total (b sets it; target ≥ {0}%)";
    DashCoverageMet => "覆盖率 {0}%，达到 ≥ {1}% 的目标", "coverage {0}%, meets the ≥ {1}% target";
    DashCoverageShort => "覆盖率 {0}%，未达 ≥ {1}% 的目标", "coverage {0}%, below the ≥ {1}% target";
    DashWorstUnit => "逾期最多：{0} {1}/{2}", "most overdue: {0} {1}/{2}";
    DashItemsTitle => "整改事项", "Rectification items";
    DashClosure => "销号率 {0}", "closure rate {0}";
    DashCategoriesTitle => "问题类别（前 8）", "Finding categories (top 8)";
    DashBudgetTitle => "{0} 年度预算总额", "{0} budget total";
    DashBudgetField => "预算总额（万元，留空清除）", "budget total (万元; empty clears it)";
    LedgerTitle => "整改台账（{0} 项，截至 {1}）", "Rectification ledger ({0} items, as of {1})";
    LedgerFilters => "筛选：{0}", "filter: {0}";
    LedgerProject => "项目", "Project";
    LedgerOverdue => "只看逾期", "overdue only";
    LedgerWithin => "{0} 天内到期", "due within {0} days";
    LedgerByDue => "按期限排序", "sorted by due date";
    LedgerNo => "序号", "No.";
    LedgerEmpty => "没有符合条件的整改事项", "no item matches";
    MenuFooter => "↑↓ 选择 · Enter 确定 · Esc 取消", "↑↓ choose · Enter pick · Esc cancel";
    FieldIndicatorName => "指标名称", "Indicator name";
    ErrorTitle => "保存失败", "Not saved";
    ConflictFooter => "r 重新载入（放弃这次修改，显示最新内容）；Esc 返回修改", "r reload (drop this edit, show the record as it is now); Esc back to the edit";
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
    DocPath => "路径", "Path";
    DocOfferTitle => "通知书 {0} 已下发：写出 .docx", "Notice {0} issued: write it as .docx";
    DocOfferNote => "Ctrl-s 写出（公文版式，按下发原文）；Esc 不写，以后可用 jixiao notice 编号 --format docx", "Ctrl-s writes it (公文 layout, as issued); Esc writes nothing: jixiao notice NUMBER --format docx does it later";
    DocWrittenTitle => "已写出", "Written";
    DocWritten => "已写出通知书 {0} 到 {1}", "wrote notice {0} to {1}";
    Created => "已创建项目", "project created";
    ArchiveConfirm => "归档项目 {0}「{1}」？归档后只读，重新打开需要说明理由。", "Archive {0} “{1}”? It becomes read-only; reopening needs a reason.";
    ReopenTitle => "重新打开 {0}", "Reopen {0}";
    NotArchived => "{0} 未归档", "{0} is not archived";
    TabOverview => "1 概况", "1 Overview";
    TabScoring => "2 评分", "2 Scoring";
    TabFindings => "3 问题", "3 Findings";
    TabRect => "4 整改", "4 Rectification";
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
    ScDeductionFinding => "问题编号", "Finding no.";
    ScNoSuchFinding => "没有编号为「{0}」的问题：填写问题标签页中的编号，或留空", "no finding numbered “{0}”: use a number from the findings tab, or leave it empty";
    ScLinkedFindings => "相关问题", "Findings on this indicator";
    ScDeductionReason => "扣分理由", "Reason";
    ScMethodField => "评分方法", "Method";
    BasisTitle => "评分依据：{0}（Ctrl-s 保存，Esc 放弃）", "Basis: {0} (Ctrl-s save, Esc discard)";
    DiscardConfirm => "放弃未保存的修改？", "Discard unsaved changes?";
    DraftOffer => "发现未保存的草稿：{0}", "An unsaved draft was found: {0}";
    EvidenceTitle => "添加佐证资料：{0}", "Add evidence: {0}";
    EvidenceField => "文件路径或文件名称", "File path or document name";
    EvidenceHint => "文件路径：复制到数据目录并记录大小和 sha256；文件名称可写作「名称|文号|日期|页码」", "a file path is copied into the data dir with its size and sha256; a document can be written as name|number|date|pages";
    HistoryTitle => "修改历史：{0}", "History: {0}";
    HistoryEmpty => "没有记录", "no records";
    UnreviewTitle => "取消复核：{0}", "Un-review: {0}";
    ClearConfirm => "清除「{0}」的得分？", "Clear the score of “{0}”?";
    RemoveConfirm => "删除指标「{0}」及其下级？", "Remove “{0}” and everything under it?";
    AddIndicatorTitle => "在「{0}」下添加指标", "Add an indicator under “{0}”";
    RenameTitle => "重命名「{0}」", "Rename “{0}”";
    PointsTitle => "修改「{0}」的分值", "Points of “{0}”";
    FieldPoints => "分值", "Points";
    ReviewedToast => "已复核「{0}」", "reviewed “{0}”";
    PhaseTitle => "设置阶段：{0}", "Phase of {0}";
    TeamTitle => "项目组：{0}", "Team of {0}";
    ReadOnly => "项目已归档，只读（按 O 重新打开）", "the project is archived and read-only (O to reopen)";
}

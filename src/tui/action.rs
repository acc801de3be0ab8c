//! The one way input changes state. Every bindable action has a stable snake_case name and a
//! one-line description in both languages; help, the status bar and keymaps/README.md are
//! generated from this table, so they never lie.

use crate::i18n::Lang;

macro_rules! actions {
    ($( $variant:ident => $name:literal, $zh:literal, $en:literal; )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $variant, )*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[ $( Action::$variant, )* ];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $( Action::$variant => $name, )* }
            }

            pub fn description(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Action::$variant, Lang::Zh) => $zh, (Action::$variant, Lang::En) => $en, )*
                }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                match name { $( $name => Some(Action::$variant), )* _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit", "退出（有未保存的修改先问；再按一次存草稿退出）", "quit (asks first with unsaved edits; again: keep drafts and quit)";
    Back => "back", "返回（在首屏时退出）", "back (quit on the top screen)";
    Help => "help", "帮助（当前屏幕的按键）", "help (keys of this screen)";
    MoveUp => "move_up", "上移", "move up";
    MoveDown => "move_down", "下移", "move down";
    PageUp => "page_up", "上翻一页", "page up";
    PageDown => "page_down", "下翻一页", "page down";
    Top => "top", "到第一行", "go to the first row";
    Bottom => "bottom", "到最后一行", "go to the last row";
    Open => "open", "打开 / 确认", "open / confirm";
    Filter => "filter", "筛选（边输边筛）", "filter (as you type)";
    SortNext => "sort_next", "排序（按下一列）", "sort (by the next column)";
    SortReverse => "sort_reverse", "倒序（或正序）", "reverse (the sort order)";
    New => "new", "新建", "new";
    Edit => "edit", "编辑（所选项）", "edit (the selection)";
    EditTeam => "edit_team", "项目组（负责人、成员）", "team (lead, members)";
    SetPhase => "set_phase", "阶段（设置项目阶段）", "phase (of the project)";
    Archive => "archive", "归档（项目变为只读）", "archive (read-only)";
    Reopen => "reopen", "重开（已归档项目，需说明理由）", "reopen (an archived project, with a reason)";
    NextTab => "next_tab", "下一个标签页", "next tab";
    PrevTab => "prev_tab", "上一个标签页", "previous tab";
    TabOverview => "tab_overview", "概况", "overview tab";
    TabScoring => "tab_scoring", "评分", "scoring tab";
    TabFindings => "tab_findings", "问题", "findings tab";
    TabRectification => "tab_rectification", "整改", "rectification tab";
    TabReport => "tab_report", "报告", "report tab";
    EditScore => "edit_score", "评分（按所选末级指标的评分方法）", "score (the selected leaf, by its method)";
    EditBasis => "edit_basis", "依据（编辑评分依据）", "basis (edit the scoring basis)";
    AddEvidence => "add_evidence", "佐证（添加文件路径或文件名称）", "evidence (a file path or a document name)";
    ClearScore => "clear_score", "清除（所选指标的得分）", "clear (the selected score)";
    Review => "review", "复核（一级：评分人以外的成员；二级：负责人或质量复核人）", "review (1st: a member other than the scorer; 2nd: the lead or quality reviewer)";
    Unreview => "unreview", "取消复核（需说明理由）", "un-review (with a reason)";
    ReturnScore => "return_score", "退回（所选底稿，写复核意见）", "send back (the selected paper, with a review note)";
    AnswerReview => "answer_review", "答复（退回的复核意见）", "answer (the review note of a paper sent back)";
    History => "history", "历史（所选指标、问题或事项的修改记录；Enter 恢复较早版本）", "history (of the selection; Enter restores an earlier version)";
    AddIndicator => "add_indicator", "添加指标（在所选指标下）", "add (an indicator under the selection)";
    RemoveIndicator => "remove_indicator", "删除指标（含其下级）", "remove (the selected indicator)";
    RenameIndicator => "rename_indicator", "重命名（所选指标）", "rename (the selected indicator)";
    EditFormRow => "edit_form_row", "自评表行（年度指标值、实际完成值、自评得分、其中行）", "form row (target, actual, self-score, breakdown rows)";
    FindInTree => "find", "查找（按指标名称，边输边跳；Enter 确定，Esc 取消）", "find (by indicator name, as you type; Enter keeps it, Esc cancels)";
    NextMatch => "next_match", "下一个匹配（查找之后）", "next match (after a find)";
    PrevMatch => "prev_match", "上一个匹配（查找之后）", "previous match (after a find)";
    NextUnscored => "next_unscored", "下一个未评分的末级指标", "next unscored leaf";
    PrevUnscored => "prev_unscored", "上一个未评分的末级指标", "previous unscored leaf";
    NextOpenPaper => "next_open_paper", "下一个缺佐证或未完成复核的末级指标", "next leaf lacking evidence or a finished review";
    PrevOpenPaper => "prev_open_paper", "上一个缺佐证或未完成复核的末级指标", "previous leaf lacking evidence or a finished review";
    SetPoints => "set_points", "分值（修改所选指标的分值）", "points (of the selected indicator)";
    Publish => "publish", "发布（所选问题，发布后只能更正）", "publish (the selected finding; then only corrections)";
    Withdraw => "withdraw", "撤回（所选问题，需说明理由）", "withdraw (the selected finding, with a reason)";
    OpenEvidence => "open_evidence", "打开佐证（所选问题或事项的文件副本，有 xdg-open 时打开）", "open evidence (the stored copy of the selection's file; xdg-open where it exists)";
    RemoveEvidence => "remove_evidence", "删除佐证（需说明理由，留在历史中）", "remove evidence (with a reason; kept in the history)";
    NewItem => "new_item", "整改事项（由所选问题新建）", "new item (from the selected finding)";
    EditCategories => "edit_categories", "问题类别（编辑类别列表）", "categories (edit the list)";
    ItemActions => "item_actions", "办理（所选事项当前可做的操作）", "act (the moves the selected item allows now)";
    IssueNotice => "issue_notice", "下发通知书（同一单位的草稿事项）", "notice (issue the unit's draft items)";
    Ledger => "ledger", "整改台账（所有项目）", "ledger (all projects)";
    Search => "search", "搜索（所有项目的评分依据、问题、整改要求、回复、佐证名称）", "search (bases, findings, requirements, responses, evidence names of every project)";
    OverdueOnly => "overdue_only", "只看逾期（切换）", "overdue only (toggle)";
    DueWithin => "due_within", "临期筛选（7 天 / 30 天 / 不限）", "due within (7 days / 30 days / any)";
    CycleStatus => "cycle_status", "状态筛选（选择一个状态，或全部）", "status filter (pick a state, or all)";
    Reload => "reload", "重新载入（放弃被别人抢先修改的编辑）", "reload (drop an edit someone else's change overtook)";
    Dashboard => "dashboard", "期限看板（逾期、临期、年度评价、覆盖率）", "deadline dashboard (overdue, upcoming, the year's evaluations, coverage)";
    NextYear => "next_year", "年度（切换看板的评价年度）", "year (of the dashboard's evaluations)";
    OnlyMine => "only_mine", "只看我的（我所在项目组的期限）", "mine only (deadlines of my project teams)";
    BudgetTotal => "budget_total", "预算总额（设置本年度覆盖率的基数）", "budget total (the base of the year's coverage)";
    ReportTitle => "report_title", "标题与封面（报告标题、委托单位、主管部门）", "title and cover (report title, client, department)";
    ReopenReport => "reopen_report", "重新打开报告（已出具的，需说明理由）", "reopen the report (an issued one, with a reason)";
    WriteDocx => "write_docx", "写出 .docx（已出具的按出具原文，否则按当前草稿）", "write it as .docx (an issued report as issued, else the draft)";
    PreviewDown => "preview_down", "预览下翻", "scroll the preview down";
    PreviewUp => "preview_up", "预览上翻", "scroll the preview up";
    SelfCheck => "self_check", "自检（逐条检查；Enter 跳到要修改的位置）", "self-check (every rule; Enter goes to what to fix)";
    ResultUse => "result_use", "结果应用（建议与金额）", "result use (recommendation and amount)";
    ViewNotice => "view_notice", "通知书（所选事项的通知书，按打印样式预览）", "notice (the selected item's, as it prints)";
    WriteXlsx => "write_xlsx", "写出 .xlsx（当前筛选出的事项，与 jixiao ledger --format xlsx 相同；写在数据目录旁）", "write it as .xlsx (the items shown, as jixiao ledger --format xlsx does; next to the data directory)";
    WriteFile => "write_file", "写出文件（.txt 与 jixiao notice 相同，或 .md、.docx）", "write it to a file (.txt as jixiao notice prints it, or .md, .docx)";
    CancelNotice => "cancel_notice", "作废通知书（需说明理由；文号不再使用，事项退回草稿）", "cancel the notice (with a reason; its number is never reused, its items go back to draft)";
    NoticePrefix => "notice_prefix", "发文字号前缀（某年度通知书编号的前缀）", "notice prefix (of one year's notice numbers)";
    ReportPrefix => "report_prefix", "报告文号前缀（某年度报告编号的前缀）", "report prefix (of one year's report numbers)";
    Milestones => "milestones", "里程碑（添加、改日期、标记完成）", "milestones (add, change the date, mark done)";
    MarkDone => "mark_done", "完成（所选里程碑标记完成，再按取消）", "done (mark the selected milestone done; again to undo)";
    Remove => "remove", "删除（所选项，先确认）", "remove (the selection, asks first)";
    EditFormHead => "edit_form_head", "自评表表头（资金表、年度总体目标、表上总分、差异阈值）", "form head (money block, annual goals, printed total, thresholds)";
    QualityReviewer => "quality_reviewer", "质量复核人（可做二级复核的成员）", "quality reviewer (a member who may give second reviews)";
    NextField => "next_field", "下一个字段", "next field";
    PrevField => "prev_field", "上一个字段", "previous field";
    Save => "save", "保存", "save";
    Cancel => "cancel", "取消", "cancel";
    Confirm => "confirm", "确认", "confirm";
    KeepDraft => "keep_draft", "保留草稿并关闭（放弃修改或退出时；再打开时提供草稿）", "keep the draft and close (when discarding or quitting; offered on reopening)";
    DiscardDraft => "discard_draft", "丢弃草稿（发现草稿时；打开已保存的内容）", "discard the draft (when one is found; opens the saved values)";
    AddRow => "add_row", "加一行（扣分项）", "add row (a deduction)";
    PickNext => "pick_next", "选定并到下一个字段（选择器中；可多选时取已标记的）", "take and go to the next field (in a picker; where several may be taken, the marked ones)";
    ToggleMark => "toggle_mark", "标记（选择器中可多选时，标记或取消所选项）", "mark (in a picker that takes several: mark or unmark the selection)";
    RemoveRow => "remove_row", "删一行（所选扣分项）", "remove row (the selected deduction)";
    Noop => "noop", "解除绑定（在按键文件中使用）", "unbind (for keymap files)";
}

/// Keymap contexts: one TOML table each. The top of the screen stack picks the context;
/// `global` applies beneath every other one.
pub const CONTEXTS: &[(&str, &str, &str)] = &[
    ("global", "所有屏幕", "every screen"),
    ("project_list", "项目列表", "project list"),
    ("project_view", "项目（概况、问题、整改标签页）", "project view (overview, findings, rectification tabs)"),
    ("scoring", "评分工作区", "scoring workspace"),
    ("findings", "问题标签页", "findings tab"),
    ("rectification", "整改标签页", "rectification tab"),
    ("report", "报告标签页", "report tab"),
    ("ledger", "整改台账", "rectification ledger"),
    ("dashboard", "期限看板", "deadline dashboard"),
    ("milestones", "里程碑列表", "milestones"),
    ("notice_view", "通知书预览", "notice preview"),
    ("search", "搜索（所有项目）", "search (every project)"),
    ("form", "表单", "forms"),
    ("editor", "文本编辑", "text editor"),
    ("confirm", "确认框", "confirmation popups"),
    ("popup", "列表弹窗（帮助、历史、选择）", "list popups (help, history, pickers)"),
    ("picker", "选择器（输入文字或拼音首字母筛选）", "picker (type text or pinyin initials to narrow)"),
    ("conflict", "修改冲突（别人已先改了这条记录）", "edit conflict (someone changed the record first)"),
];

impl Action {
    /// Actions that open a form, editor, list or confirmation on a screen. One that opens
    /// nothing is refused with a toast, and the keys typed after it are dropped (they were
    /// meant for what did not open: `5` would switch tabs).
    pub fn opens_something(self) -> bool {
        use Action::*;
        matches!(
            self,
            New | Edit
                | EditTeam
                | SetPhase
                | Archive
                | Reopen
                | EditScore
                | EditBasis
                | AddEvidence
                | ClearScore
                | Unreview
                | ReturnScore
                | AnswerReview
                | History
                | AddIndicator
                | RemoveIndicator
                | RenameIndicator
                | EditFormRow
                | SetPoints
                | Withdraw
                | OpenEvidence
                | RemoveEvidence
                | NewItem
                | EditCategories
                | ItemActions
                | IssueNotice
                | BudgetTotal
                | ReportTitle
                | ReopenReport
                | WriteDocx
                | SelfCheck
                | ResultUse
        )
    }
}

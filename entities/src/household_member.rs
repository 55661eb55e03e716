use sea_orm::entity::prelude::*;

/// A member of a household, following actual co-residence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "household_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    /// 18-character resident ID number (GB 11643), upper-case X.
    pub resident_id: String,
    /// 户主, 配偶, 子, 女, 父亲, 母亲, 孙子, 孙女, ...
    pub relation: String,
    /// `M` or `F`.
    pub sex: String,
    pub birth_date: Date,
    /// 普通劳动力, 弱劳动力, 丧失劳动力, 无劳动力
    pub labour_capacity: String,
    /// 健康, 长期慢性病, 大病, 残疾
    pub health: String,
    /// 学龄前, 小学, 初中, 高中, 中职, 大专及以上, 非在校
    pub schooling: String,
    pub co_residence_note: Option<String>,
    /// Lives with the household; false for a registered member who does not (户在人不在), whom the risk
    /// rules leave out [T].
    pub co_resident: bool,
    /// The legal guardian (of a minor) or supporter (of an elder) the register names, inside or outside the
    /// household, as written ("王大（儿子，县城）").
    pub guardian: Option<String>,
    /// For a child: 留守儿童, 孤儿 or 事实无人抚养儿童 [F].
    pub child_status: Option<String>,
    /// Pinyin initials of the name, lower case ("zsf" for 张三丰), for search.
    pub name_initials: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

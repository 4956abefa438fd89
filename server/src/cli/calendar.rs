//! `bianmin calendar check DIR`: the holiday data, every year it covers.

use crate::settings::CalendarCommand;

pub fn run(command: CalendarCommand) -> anyhow::Result<()> {
    let CalendarCommand::Check { dir } = command;
    let calendar = crate::holidays::load(&dir)?;
    let years: Vec<String> = (2000..2100).filter(|y| calendar.covers(*y)).map(|y| y.to_string()).collect();
    println!("节假日数据检查通过：{} 年", years.join("、"));
    Ok(())
}

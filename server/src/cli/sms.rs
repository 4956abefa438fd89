//! `bianmin sms templates`: the texts a centre registers with its provider.

use crate::settings::SmsCommand;

pub fn run(command: SmsCommand) -> anyhow::Result<()> {
    let SmsCommand::Templates { sms_provider, public_url } = command;
    print!("{}", crate::notify::sms::templates_to_register(&sms_provider, &public_url));
    Ok(())
}

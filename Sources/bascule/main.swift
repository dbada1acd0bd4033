import BasculeCommands

await BasculeCommand.execute()

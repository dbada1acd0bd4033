import BasculeCommands

await BasculeCommand.main()

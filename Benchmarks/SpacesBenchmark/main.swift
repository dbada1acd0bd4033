print("à venir")

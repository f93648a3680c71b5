/** Starting a test sign-in takes no settings: an unknown field is refused, like everywhere else. */
export class StartTestSignInDto {}

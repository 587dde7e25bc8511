package spec

// Excluded lists the managed catalog resources (see Managed: createable, or
// fetched and updated but not created) the provider does not offer, each
// with the reason. They are actions (a POST that sends, places, starts or
// checks something), runtime data an application or a live call makes,
// collections without an instance path (nothing to read or delete by ID),
// products Twilio has retired though its spec still describes them, and
// objects the spec describes too poorly to manage. TestCoverage fails when
// the catalog gains a managed resource that is neither offered nor listed
// here, and when an entry here is no longer a managed catalog resource.
var Excluded = map[string]string{
	// Accounts
	"accounts/v1:BulkConsents": "action: bulk-uploads consent records",
	"accounts/v1:BulkContacts": "action: bulk-uploads contacts",
	"accounts/v1:Safelist":     "use the hand-written twilio:accounts/v1:Safelist: the list has no instance path (numbers are read and removed by the PhoneNumber query)",

	// 2010 API
	"api/v2010:Account":                            "use twilio:index:Subaccount, which closes the sub-account on delete (the API has no DELETE)",
	"api/v2010:Call":                               "action: places a phone call",
	"api/v2010:CallPayments":                       "action: captures a payment on a live call",
	"api/v2010:CallRealtimeTranscription":          "action: transcribes a live call",
	"api/v2010:CallRecording":                      "action: records a live call",
	"api/v2010:CallSiprec":                         "action: forks a live call's media",
	"api/v2010:CallStream":                         "action: streams a live call's media",
	"api/v2010:CallUserDefinedMessage":             "action: sends a message to a live call",
	"api/v2010:CallUserDefinedMessageSubscription": "runtime: subscribes to a live call's messages",
	"api/v2010:ConferenceParticipant":              "action: dials a participant into a live conference",
	"api/v2010:IncomingPhoneNumberLocal":           "no instance path: a purchase shortcut for IncomingPhoneNumber",
	"api/v2010:IncomingPhoneNumberMobile":          "no instance path: a purchase shortcut for IncomingPhoneNumber",
	"api/v2010:IncomingPhoneNumberTollFree":        "no instance path: a purchase shortcut for IncomingPhoneNumber",
	"api/v2010:Message":                            "action: sends a message",
	"api/v2010:MessageFeedback":                    "action: reports message delivery feedback",
	"api/v2010:OutgoingCallerId":                   "action: places a validation call (the caller ID appears after it is answered)",
	"api/v2010:Token":                              "action: issues short-lived network traversal tokens",

	// AI Assistants
	"assistants/v1:ServiceAssistantSendMessageResponse": "action: sends a message to an assistant",
	"assistants/v1:ServiceFeedback":                     "action: records feedback on an answer",

	// Autopilot: the spec still describes it, but Twilio retired the
	// product on 2023-09-30; a program creating these would fail.
	"autopilot/v1:Assistant":                    "retired: Twilio ended Autopilot on 2023-09-30 (AI Assistants, assistants/v1, replaces it)",
	"autopilot/v1:AssistantFieldType":           "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantFieldTypeFieldValue": "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantModelBuild":          "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantQuery":               "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantTask":                "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantTaskField":           "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantTaskSample":          "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantWebhook":             "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:RestoreAssistant":             "action: restores a deleted assistant (no instance path)",

	"bulkexports/v1:ExportCustomJob": "action: starts an export job",

	// Programmable Chat (and its ip_messaging alias)
	"chat/v1:ServiceChannelInvite":          "action: sends an invitation",
	"chat/v1:ServiceChannelMessage":         "action: sends a message",
	"chat/v2:ServiceChannelInvite":          "action: sends an invitation",
	"chat/v2:ServiceChannelMessage":         "action: sends a message",
	"ip_messaging/v1:ServiceChannelInvite":  "action: sends an invitation",
	"ip_messaging/v1:ServiceChannelMessage": "action: sends a message",
	"ip_messaging/v2:ServiceChannelInvite":  "action: sends an invitation",
	"ip_messaging/v2:ServiceChannelMessage": "action: sends a message",

	"content/v1:ContentApprovalCreate": "action: submits a template for WhatsApp approval",

	// Conversations
	"conversations/v1:ConversationMessage":                 "action: sends a message",
	"conversations/v1:ConversationWithParticipants":        "no instance path: creates a Conversation and its participants in one call",
	"conversations/v1:ServiceConversationMessage":          "action: sends a message",
	"conversations/v1:ServiceConversationWithParticipants": "no instance path: creates a Conversation and its participants in one call",

	"events/v1:SinkTest":     "action: sends a test event",
	"events/v1:SinkValidate": "action: validates a sink with a test event",

	// Flex
	"flex/v1:Channel":                               "runtime: starts a Flex chat with a customer",
	"flex/v1:InsightsAssessments":                   "runtime: records an agent's assessment",
	"flex/v1:InsightsAssessmentsComment":            "runtime: records a comment on an assessment",
	"flex/v1:Interaction":                           "runtime: starts an interaction",
	"flex/v1:InteractionChannelInteractionTransfer": "action: transfers a live interaction",
	"flex/v1:InteractionChannelInvite":              "action: invites an agent to a live interaction",
	"flex/v1:InteractionChannelParticipant":         "runtime: participant of a live interaction",
	"flex/v1:PluginRelease":                         "action: activates a plugin configuration; twilio:flex:Release (internal/flexplugin) models the release as state",
	"flex/v1:WebChannel":                            "runtime: starts a web chat",
	"flex/v2:WebChannel":                            "runtime: starts a web chat (no instance path)",

	// Voice Insights reports are generated data: a POST starts a job.
	"insights/v2:AccountReport":        "action: starts a Voice Insights report job; the report is data, not configuration",
	"insights/v2:CreateReport":         "action: starts an inbound phone number report (no instance path)",
	"insights/v2:CreateReportOutbound": "action: starts an outbound phone number report (no instance path)",

	"intelligence/v2:Transcript": "action: transcribes a recording",

	// Media: both are live processes with a start and an end, not state.
	"media/v1:MediaProcessor": "runtime: starts capturing a live source (a running job with its own end)",
	"media/v1:PlayerStreamer": "runtime: a live stream session, ended by the stream, not by the program",

	// Memory: the control plane (Store, DataMapping) is configuration; the
	// rest is what an application learns about its end users.
	"memory/v1:IdentifierSet":   "runtime: an end user's identifiers, written by the application",
	"memory/v1:ImportId":        "action: starts a bulk profile import",
	"memory/v1:ObservationInfo": "runtime: an observation about an end user, written by the application",
	"memory/v1:Profile":         "runtime: an end user's profile, written by the application",
	"memory/v1:SummaryInfo":     "runtime: a conversation summary, written by the application",
	"memory/v1:TraitGroup":      "no ID in the representation: {traitGroupName} is not a field the response returns, so the provider cannot read it back",

	"marketplace/v1:InstalledAddOnUsage":  "action: reports add-on usage",
	"marketplace/v1:ModuleDataManagement": "no instance path: publishes a Marketplace listing",
	"marketplace/v1:ReferralConversion":   "action: reports a referral conversion",

	// Messaging
	"messaging/v1:BrandRegistrationsBrandRegistrationOtp": "action: sends a one-time password to the brand contact",
	"messaging/v1:BrandRegistrationsBrandVetting":         "action: requests an external vetting of a brand",
	"messaging/v1:ExternalCampaign":                       "no instance path: registers an externally registered campaign",

	"notify/v1:ServiceNotification": "action: sends a notification",

	// Numbers
	"numbers/v1:BulkEligibility":                        "action: checks numbers for hosting eligibility",
	"numbers/v1:CreateEmbeddedRegistration":             "action: starts a Sender ID registration's embedded session (no instance path)",
	"numbers/v1:CreateEmbeddedSession":                  "action: resumes a Sender ID registration's embedded session (no instance path)",
	"numbers/v1:Eligibility":                            "action: checks numbers for hosting eligibility",
	"numbers/v1:PortingWebhookConfiguration":            "account-wide singleton the spec describes poorly: its create takes an undescribed JSON body and its one read is a GET of the collection, not of the {WebhookType} instance its delete removes; set it in the Console",
	"numbers/v1:PortingPortIn":                          "action: starts a port-in process for numbers of another carrier",
	"numbers/v1:SigningRequestConfiguration":            "no instance path: bulk upload of signing configuration",
	"numbers/v2:BulkHostedNumberOrder":                  "action: bulk hosting order (no delete; a process, not state)",
	"numbers/v2:RegulatoryComplianceBundleCopy":         "action: copies a bundle",
	"numbers/v2:RegulatoryComplianceBundleEvaluation":   "action: evaluates a bundle",
	"numbers/v2:RegulatoryComplianceBundleReplaceItems": "action: replaces a bundle's items",

	"oauth/v1:Token":                 "action: issues an access token",
	"oauth/v1:TokenToken":            "action: issues an access token",
	"oauth/v1:TokenToken3":           "action: issues an access token",
	"oauth/v2:V2Oauth2TokenResponse": "action: issues an access token",

	"preview/wireless:Command": "action: sends a command to a SIM",

	// Proxy
	"proxy/v1:ServiceSession":                              "runtime: a masked conversation between participants",
	"proxy/v1:ServiceSessionParticipant":                   "runtime: a participant of a session",
	"proxy/v1:ServiceSessionParticipantMessageInteraction": "action: sends a message to a participant",

	// Serverless: builds and deployments are steps of twilio:serverless:Deployment.
	"serverless/v1:ServiceBuild":                 "action: builds function and asset versions (see twilio:serverless:Deployment)",
	"serverless/v1:ServiceEnvironmentDeployment": "action: deploys a build (see twilio:serverless:Deployment)",

	// Studio
	"studio/v1:FlowEngagement": "action: starts a flow execution",
	"studio/v1:FlowExecution":  "action: starts a flow execution",
	"studio/v2:FlowExecution":  "action: starts a flow execution",
	"studio/v2:FlowValidate":   "action: validates a flow definition",

	// Super SIM
	"supersim/v1:EsimProfile": "action: orders an eSIM profile (no delete)",
	"supersim/v1:IpCommand":   "action: sends an IP command to a SIM",
	"supersim/v1:SmsCommand":  "action: sends an SMS command to a SIM",

	"sync/v1:ServiceSyncStreamStreamMessage": "action: publishes a stream message",

	// TaskRouter
	"taskrouter/v1:WorkspaceTask":                            "runtime: a unit of work routed to agents",
	"taskrouter/v1:WorkspaceTaskQueueBulkRealTimeStatistics": "action: queries statistics (no instance path)",

	// Trust Hub
	"trusthub/v1:A2pEmbeddedSession":                         "action: starts an A2P brand registration's embedded compliance session (no instance path)",
	"trusthub/v1:A2pEmbeddedSessionA2pCampaignRegistrations": "action: starts an A2P campaign registration's embedded compliance session (no instance path)",
	"trusthub/v1:A2pEmbeddedSessionEmbeddedSessions":         "action: resumes a brand registration's embedded session (no instance path)",
	"trusthub/v1:A2pEmbeddedSessionEmbeddedSessions3":        "action: resumes a campaign registration's embedded session (no instance path)",
	"trusthub/v1:ComplianceInquiry":                          "action: starts a compliance inquiry session",
	"trusthub/v1:ComplianceRegistration":                     "action: starts a compliance registration session",
	"trusthub/v1:ComplianceTollfreeInquiry":                  "action: starts a toll-free inquiry session",
	"trusthub/v1:CustomerProfileEvaluation":                  "action: evaluates a customer profile",
	"trusthub/v1:TrustProductEvaluation":                     "action: evaluates a trust product",

	// Verify
	"verify/v2:ServiceAccessToken":                 "action: issues an access token",
	"verify/v2:ServiceEntity":                      "runtime: an end user's identity, created by the application",
	"verify/v2:ServiceEntityChallenge":             "action: starts a challenge",
	"verify/v2:ServiceEntityChallengeNotification": "action: sends a push notification",
	"verify/v2:ServiceEntityFactor":                "runtime: an end user's factor, created by the application",
	"verify/v2:ServiceVerification":                "action: starts a verification",
	"verify/v2:ServiceVerificationCheck":           "action: checks a verification code",

	// Video
	"video/v1:Composition":                  "action: composes recorded media",
	"video/v1:Room":                         "runtime: a live video room (no delete)",
	"video/v1:RoomParticipantSubscribeRule": "action: changes a live participant's subscriptions",
	"video/v1:RoomRecordingRule":            "action: changes a live room's recording rules",
	"video/v1:RoomTranscriptions":           "action: transcribes a live room",

	"voice/v1:DialingPermissionsCountryBulkUpdate":       "action: bulk update of dialing permissions (no instance path)",
	"voice/v3:TranscriptionLongRunningOperationResponse": "action: transcribes a recording (a long-running operation)",

	"wireless/v1:Command": "action: sends a command to a SIM",

	// Fetched and updated but not created. The settings objects among
	// them are offered (Kind Settings: applied by update, restored on
	// destroy); these are not, because they are not settings.
	"api/v2010:Conference":                        "runtime: a live conference, made by the calls that join it (update ends it or plays an announcement)",
	"api/v2010:ConferenceRecording":               "runtime: a live conference's recording (update pauses or stops it)",
	"api/v2010:ConnectApp":                        "made in the Console only, with its own SID (not a settings object); the API cannot create one for a program to own",
	"api/v2010:QueueMember":                       "runtime: a call waiting in a queue (update dequeues it)",
	"api/v2010:ShortCode":                         "provisioned by Twilio after a short code application, with its own SID (not a settings object); a program cannot create one to own",
	"assistants/v1:ServiceKnowledgeKnowledge":     "catalog artefact: the POST is the create of the /v1/Knowledge collection (CreateKnowledge), read as an update of an instance at the collection's path",
	"assistants/v1:ServiceToolTools":              "catalog artefact: the POST is the create of the /v1/Tools collection (CreateTool), read as an update of an instance at the collection's path",
	"autopilot/v1:AssistantDefaults":              "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantStyleSheet":            "retired: Twilio ended Autopilot on 2023-09-30",
	"autopilot/v1:AssistantTaskActions":           "retired: Twilio ended Autopilot on 2023-09-30",
	"chat/v2:ServiceUserChannel":                  "runtime: a user's membership of a channel (read position, notification level), kept by the chat application",
	"conversations/v1:ServiceUserConversation":    "runtime: a user's participation in a conversation (read position, notification level), kept by the application",
	"conversations/v1:UserConversation":           "runtime: a user's participation in a conversation (read position, notification level), kept by the application",
	"flex/v1:Configuration":                       "the spec describes no update parameter (Flex takes an undescribed JSON body), so a program could set nothing through it",
	"flex/v1:InteractionChannel":                  "runtime: a channel of a live customer interaction (update closes or wraps it up)",
	"flex/v2:FlexUser":                            "runtime: a Flex agent's user, made when the agent first logs in",
	"frontline/v1:User":                           "runtime: a Frontline user, made by single sign-on when the user first logs in",
	"insights/v1:CallAnnotation":                  "runtime: the annotation of one call, written after the call",
	"ip_messaging/v2:ServiceUserChannel":          "runtime: a user's membership of a channel (read position, notification level), kept by the chat application",
	"knowledge/v1:ServiceKnowledge":               "catalog artefact: the POST is the create of the /v1/Knowledge collection (CreateKnowledge), read as an update of an instance at the collection's path",
	"lookups/v2:OverridesResponse":                "a keyed object (one per phone number and field) created by a POST to its own instance path, which the catalog does not pair as a create, and deleted by a DELETE: not a settings object that always exists",
	"marketplace/v1:InstalledAddOnExtension":      "made by Twilio with an installed add-on, several per add-on, each with its own SID (not a settings object of the add-on)",
	"marketplace/v1:ModuleDataManagementListing":  "a Marketplace publisher's listing, published by ModuleDataManagement (excluded), not account configuration",
	"media/v1:PlayerStreamerPlaybackGrant":        "runtime: a short-lived grant to play a live stream",
	"messaging/v1:DomainCertV4":                   "a domain's TLS certificate: Twilio does not return the certificate it holds, so the previous one could not be restored on destroy",
	"microvisor/v1:Device":                        "runtime: a physical device that registers itself, with its own SID (update retargets its app)",
	"monitor/v2:AlarmSidRepsonse":                 "catalog artefact: the POST is the create of the /v2/Alarms collection (CreateAlarm), read as an update of an instance at the collection's path",
	"numbers/v2:ShortCodeApplicationResponsePage": "catalog artefact: the POST is the create of the /v2/ShortCodes/Applications collection (CreateShortCodeApplication), read as an update of a page of them",
	"preview/marketplace:InstalledAddOnExtension": "made by Twilio with an installed add-on, several per add-on, each with its own SID (not a settings object of the add-on)",
	"preview/wireless:Sim":                        "runtime: a physical SIM card, registered when it is bought, with its own SID",
	"sync/v1:ServiceDocumentPermission":           "runtime: an end user's (identity's) access to a document, granted by the application",
	"sync/v1:ServiceSyncListPermission":           "runtime: an end user's (identity's) access to a list, granted by the application",
	"sync/v1:ServiceSyncMapPermission":            "runtime: an end user's (identity's) access to a map, granted by the application",
	"taskrouter/v1:WorkspaceTaskReservation":      "runtime: a task reserved for a worker (update accepts or rejects it)",
	"taskrouter/v1:WorkspaceWorkerChannel":        "runtime: a worker's capacity and availability on one task channel, several per worker, each with its own SID, set as the agent works",
	"taskrouter/v1:WorkspaceWorkerReservation":    "runtime: a task reserved for a worker (update accepts or rejects it)",
	"trusthub/v1:CustomerProfileProvisionalCopy":  "action: the POST makes a provisional copy of an approved profile (it takes no parameters)",
	"trusthub/v1:TrustProductProvisionalCopy":     "action: the POST makes a provisional copy of an approved trust product (it takes no parameters)",
	"video/v1:RoomParticipant":                    "runtime: a participant of a live room (update disconnects it)",
	"voice/v2:AccountDefaultConfiguration":        "created by a POST to its own instance path, which the catalog does not pair as a create, and deleted by a DELETE: a keyed object, not a settings object that always exists",
	"wireless/v1:Sim":                             "runtime: a physical SIM card, registered when it is bought, with its own SID",

	// Updated but neither created nor fetched: nothing to record the
	// previous values from, so none can be a settings object.
	"accounts/v1:AuthTokenPromotion":                   "action: promotes the secondary auth token to primary",
	"accounts/v1:SecondaryAuthToken":                   "action: mints a secondary auth token (a credential; a deploy must not rotate the credentials it runs with)",
	"assistants/v1:ServiceKnowledge":                   "an attachment (the POST attaches knowledge to an assistant, the DELETE detaches it) with no fetch by ID; the provider has no kind for attachments yet",
	"assistants/v1:ServiceTool":                        "an attachment (the POST attaches a tool to an assistant, the DELETE detaches it) with no fetch by ID; the provider has no kind for attachments yet",
	"chat/v3:Channel":                                  "runtime: moves a live chat channel to a messaging service or changes its type",
	"flex/v1:InsightsSession":                          "action: issues a Flex Insights session token",
	"flex/v1:PluginArchive":                            "action: archives a plugin (twilio:flex:Plugin archives its own on delete)",
	"flex/v1:PluginConfigurationArchive":               "action: archives a plugin configuration (twilio:flex:Release archives its own)",
	"flex/v1:PluginVersionArchive":                     "action: archives a plugin version (twilio:flex:Plugin archives its own on delete)",
	"iam/v1:AccountVendorOauthAppCreateUpdateResponse": "catalog artefact: the POST is the create of an OAuth app at the collection path (CreateOauthAppAccount), read as an update; the spec gives the app itself (/v1/Account/OAuthApps/{sid}) no fetch, so it could not be read back",
	"intelligence/v2:OperatorAttachment":               "an attachment (the POST attaches an operator to a service, the DELETE detaches it) with no fetch by ID (intelligence/v2:OperatorAttachments lists a service's); the provider has no kind for attachments yet",
	"messaging/v1:LinkshorteningMessagingService":      "an attachment (the POST links a messaging service to a link shortening domain, the DELETE unlinks it) with no fetch; the provider has no kind for attachments yet",
	"messaging/v1:RequestManagedCert":                  "action: asks Twilio to issue a managed certificate for a domain",
	"numbers/v1:SmsVerification":                       "action: sends a caller ID verification code by SMS",
	"numbers/v1:SmsVerificationCheck":                  "action: checks a caller ID verification code",
	"numbers/v1:VoiceVerification":                     "action: places a caller ID verification call",
	"numbers/v1:VoiceVerificationCheck":                "action: checks a caller ID verification code",
	"numbers/v2:BundleClone":                           "action: clones a regulatory bundle, possibly to another account",
	"numbers/v3:HostedNumbersHostedNumberOrder":        "action: places a hosted number order, a process Twilio carries out (the POST is the create of the collection, read as an update)",
	"trusthub/v1:ComplianceInquiryInitialize":          "action: starts a compliance inquiry session",
	"trusthub/v1:ComplianceRegistrationInitialize":     "action: starts a compliance registration session",
	"video/v1:RoomParticipantAnonymize":                "action: anonymizes a participant of a room",
	"voice/v2:Configuration":                           "catalog artefact: the POST is the generic create of the /v2/Configurations/{Type} collection (CreateConfiguration), read as an update; the typed collections voice/v2:ConfigurationRecording and ConfigurationTranscription are the createable ones",
}
